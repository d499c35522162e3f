/**
 * Apache Kafka 4 in KRaft mode, on loopback: one process that is both broker and controller, or on
 * a profile with several nodes, that many such processes, all voters of the controller quorum, with
 * internal topics replicated to three nodes (or all, when fewer) and two replicas in sync required.
 * Jars come from $KAFKA_HOME/libs when set, else from Maven Central (stack/maven/kafka/pom.xml).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type KafkaNode, kafkaBrokerList, kafkaNodes, type StackProfile } from '../profiles';
import { keepsData } from './data-retention';
import { javaExecutable, mavenDependencies } from './maven';
import { runCommand } from './processes';
import { type Component, type ComponentNode, nodesOf } from './types';

/** A node's folder: `kafka/`, or `kafka-<n>/` of a cluster. */
const nodeDir = (profile: StackProfile, node: ComponentNode) => path.join(profile.stateDir, node.name);
const dataDir = (profile: StackProfile, node: ComponentNode) => path.join(nodeDir(profile, node), 'data');
/** Every node of a cluster is formatted with the same cluster id, kept here while it runs. */
const clusterIdFile = (profile: StackProfile) => path.join(profile.stateDir, 'kafka-cluster-id');

function serverProperties(profile: StackProfile, node: ComponentNode): string {
  const { host } = profile;
  const nodes = kafkaNodes(profile);
  const self = nodes[node.index] as KafkaNode;
  // Internal topics cannot have more replicas than brokers.
  const replicas = Math.min(3, nodes.length);
  const minInSync = Math.min(2, replicas);
  return [
    'process.roles=broker,controller',
    `node.id=${self.id}`,
    `controller.quorum.voters=${nodes.map((voter) => `${voter.id}@${host}:${voter.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://${host}:${self.port},CONTROLLER://${host}:${self.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${self.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir(profile, node)}`,
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=6',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minInSync}`,
    // Fewer partitions for the coordinator of idempotent producers to load on a fresh broker.
    'transaction.state.log.num.partitions=6',
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minInSync}`,
    // Topics created without a replication factor (tests' own) are replicated like the others.
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minInSync}`,
    // A node that stopped answering is fenced after 3 s instead of 9, and its partitions led by others.
    ...(nodes.length > 1 ? ['broker.session.timeout.ms=3000', 'broker.heartbeat.interval.ms=500'] : []),
    // Consumers join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created from shared/infra; a typo must fail, not create a new topic.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    '',
  ].join('\n');
}

const log4j2Properties = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = OUT',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.out.ref = OUT',
  'logger.server.name = kafka.server',
  'logger.server.level = INFO',
  '',
].join('\n');

async function classpath(log: (line: string) => void): Promise<string> {
  const home = process.env.KAFKA_HOME;
  if (home) {
    const libs = path.join(home, 'libs');
    if (!existsSync(libs))
      throw new Error(`kafka: KAFKA_HOME=${home} has no libs folder; unset it to use Maven`);
    return `${libs}/*`;
  }
  return `${await mavenDependencies('kafka', log)}/*`;
}

/**
 * A cluster id as `kafka-storage random-uuid` makes one (16 random bytes, URL-safe base64, never
 * starting with '-'), without paying for a JVM start.
 */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * A small heap and the serial collector: no GC threads competing with the tests for two cores, and
 * the broker starts as fast as with G1 (about 1.9 s to healthy here). Limiting it to the C1
 * compiler would start 0.3 s sooner but caps its throughput for the whole run, so it is not done.
 */
const brokerJvm = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC'];

/** A one-shot tool gains nothing from the optimising compiler or a parallel collector. */
const fastStartJvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

async function formatStorage(
  profile: StackProfile,
  node: ComponentNode,
  clusterId: string,
  java: string,
  cp: string,
  config: string,
): Promise<void> {
  if (existsSync(path.join(dataDir(profile, node), 'meta.properties'))) return;
  await runCommand(
    `${node.name}: could not format its storage`,
    java,
    [...fastStartJvm, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config],
    60_000,
  );
}

/** The id of the cluster being started: a new one unless nodes of it keep their data. */
function clusterId(profile: StackProfile, fresh: boolean): string {
  const file = clusterIdFile(profile);
  if (!fresh && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomClusterId();
  mkdirSync(profile.stateDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

export const kafka: Component = {
  name: 'kafka',
  processMarker: 'kafka.Kafka',
  clustered: true,
  startTimeoutSeconds: 90,
  dataDirs: (profile) =>
    keepsData(profile) ? nodesOf(kafka, profile).map((node) => dataDir(profile, node)) : [],
  ports: (profile) => kafkaNodes(profile).flatMap((node) => [node.port, node.controllerPort]),
  portVariables: (profile) => {
    const prefix = `PEAKCART_${profile.name.toUpperCase()}`;
    return kafkaNodes(profile).flatMap(() => [`${prefix}_KAFKA_PORT`, `${prefix}_KAFKA_CONTROLLER_PORT`]);
  },
  async prepare(profile, nodes, log, restart) {
    const java = javaExecutable();
    const cp = await classpath(log);
    const fresh = !keepsData(profile) && !restart;
    if (fresh) {
      for (const node of nodes) rmSync(dataDir(profile, node), { recursive: true, force: true });
    }
    const id = clusterId(profile, fresh);
    return Promise.all(
      nodes.map(async (node) => {
        mkdirSync(nodeDir(profile, node), { recursive: true });
        const config = path.join(nodeDir(profile, node), 'server.properties');
        const log4j = path.join(nodeDir(profile, node), 'log4j2.properties');
        writeFileSync(config, serverProperties(profile, node));
        writeFileSync(log4j, log4j2Properties);
        await formatStorage(profile, node, id, java, cp, config);
        return {
          command: java,
          args: [
            ...brokerJvm,
            '-Djava.awt.headless=true',
            `-Dlog4j2.configurationFile=${log4j}`,
            '-cp',
            cp,
            'kafka.Kafka',
            config,
          ],
        };
      }),
    );
  },
  async isHealthy(profile) {
    const kafka = new Kafka({
      clientId: 'peakcart-stack',
      brokers: kafkaBrokerList(profile),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    // kafkajs requires an idempotent producer to retry; the readiness loop retries anyway.
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 100 },
    });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length < profile.nodes || cluster.controller === null) return false;
      // Consumers can join groups only once the group coordinator has loaded its offsets topic;
      // asking for a group fails until then (and makes the broker create that topic).
      await admin.describeGroups(['peakcart-stack-readiness']);
      // Idempotent producers (the product's, the failure topic's) can connect only once the
      // transaction coordinator has loaded its state topic, which a fresh broker creates now.
      await producer.connect();
      return true;
    } catch {
      return false;
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};
