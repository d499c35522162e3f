/**
 * Apache Kafka 4 in KRaft mode: one process that is both broker and controller, on loopback.
 * Jars come from $KAFKA_HOME/libs when set, else from Maven Central (stack/maven/kafka/pom.xml).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { StackProfile } from '../profiles';
import { keepsData } from './data-retention';
import { javaExecutable, mavenDependencies } from './maven';
import { runCommand } from './processes';
import type { Component } from './types';

const kafkaDir = (profile: StackProfile) => path.join(profile.stateDir, 'kafka');
const dataDir = (profile: StackProfile) => path.join(kafkaDir(profile), 'data');

function serverProperties(profile: StackProfile): string {
  const { host, kafkaPort, kafkaControllerPort } = profile;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${kafkaControllerPort}`,
    `listeners=PLAINTEXT://${host}:${kafkaPort},CONTROLLER://${host}:${kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir(profile)}`,
    // A single node: internal topics cannot have more replicas than brokers.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Fewer partitions for the coordinator of idempotent producers to load on a fresh broker.
    'transaction.state.log.num.partitions=6',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
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

async function formatStorage(profile: StackProfile, java: string, cp: string, config: string): Promise<void> {
  if (existsSync(path.join(dataDir(profile), 'meta.properties'))) return;
  await runCommand(
    'kafka: could not format its storage',
    java,
    [...fastStartJvm, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', config],
    60_000,
  );
}

export const kafka: Component = {
  name: 'kafka',
  processMarker: 'kafka.Kafka',
  startTimeoutSeconds: 90,
  dataDir: (profile) => (keepsData(profile) ? dataDir(profile) : undefined),
  ports: (profile) => [profile.kafkaPort, profile.kafkaControllerPort],
  portVariables: (profile) => {
    const prefix = `PEAKCART_${profile.name.toUpperCase()}`;
    return [`${prefix}_KAFKA_PORT`, `${prefix}_KAFKA_CONTROLLER_PORT`];
  },
  async prepare(profile, log, restart) {
    const java = javaExecutable();
    const cp = await classpath(log);
    if (!keepsData(profile) && !restart) rmSync(dataDir(profile), { recursive: true, force: true });
    mkdirSync(kafkaDir(profile), { recursive: true });
    const config = path.join(kafkaDir(profile), 'server.properties');
    const log4j = path.join(kafkaDir(profile), 'log4j2.properties');
    writeFileSync(config, serverProperties(profile));
    writeFileSync(log4j, log4j2Properties);
    await formatStorage(profile, java, cp, config);
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
  },
  async isHealthy(profile) {
    const kafka = new Kafka({
      clientId: 'peakcart-stack',
      brokers: [`${profile.host}:${profile.kafkaPort}`],
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
      if (cluster.brokers.length === 0 || cluster.controller === null) return false;
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
