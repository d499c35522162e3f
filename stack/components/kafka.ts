/**
 * Apache Kafka 4 in KRaft mode: one process that is both broker and controller, on loopback.
 * Jars come from $KAFKA_HOME/libs when set, else from Maven Central (stack/maven/kafka/pom.xml).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { StackProfile } from '../profiles';
import { javaExecutable, mavenDependencies } from './maven';
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

function classpath(log: (line: string) => void): string {
  const home = process.env.KAFKA_HOME;
  if (home) return `${path.join(home, 'libs')}/*`;
  return `${mavenDependencies('kafka', log)}/*`;
}

function formatStorage(profile: StackProfile, java: string, cp: string, config: string): void {
  if (existsSync(path.join(dataDir(profile), 'meta.properties'))) return;
  const run = (args: string[]) =>
    spawnSync(java, ['-cp', cp, 'kafka.tools.StorageTool', ...args], { encoding: 'utf8' });
  const uuid = run(['random-uuid']);
  const clusterId = uuid.stdout.trim().split('\n').pop();
  if (uuid.status !== 0 || !clusterId) throw new Error(`kafka: could not make a cluster id:\n${uuid.stderr}`);
  const format = run(['format', '-t', clusterId, '-c', config]);
  if (format.status !== 0)
    throw new Error(`kafka: could not format its storage:\n${format.stdout}${format.stderr}`);
}

export const kafka: Component = {
  name: 'kafka',
  startTimeoutSeconds: 90,
  ports: (profile) => [profile.kafkaPort, profile.kafkaControllerPort],
  portVariables: (profile) => {
    const prefix = `PEAKCART_${profile.name.toUpperCase()}`;
    return [`${prefix}_KAFKA_PORT`, `${prefix}_KAFKA_CONTROLLER_PORT`];
  },
  async prepare(profile, log) {
    const java = javaExecutable();
    const cp = classpath(log);
    // The test stack starts empty every time, so test runs never see each other's records.
    if (profile.name === 'test') rmSync(dataDir(profile), { recursive: true, force: true });
    mkdirSync(kafkaDir(profile), { recursive: true });
    const config = path.join(kafkaDir(profile), 'server.properties');
    const log4j = path.join(kafkaDir(profile), 'log4j2.properties');
    writeFileSync(config, serverProperties(profile));
    writeFileSync(log4j, log4j2Properties);
    formatStorage(profile, java, cp, config);
    return {
      command: java,
      args: [
        '-Xms256m',
        '-Xmx768m',
        '-XX:+UseG1GC',
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
    const admin = new Kafka({
      clientId: 'peakcart-stack',
      brokers: [`${profile.host}:${profile.kafkaPort}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0 || cluster.controller === null) return false;
      // Consumers can join groups only once the group coordinator has loaded its offsets topic;
      // asking for a group fails until then (and makes the broker create that topic).
      await admin.describeGroups(['peakcart-stack-readiness']);
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};
