/**
 * DynamoDB Local from Maven Central (stack/maven/dynamodb/pom.xml). Its sqlite4java native library
 * is copied beside the jars, so that folder is the java.library.path. The dev stack keeps its items
 * in a data folder, the test stack runs in memory. `-sharedDb` gives every client the same tables,
 * whatever credentials and region it signs with.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { cacheDir, type StackProfile } from '../profiles';
import { keepsData } from './data-retention';
import { javaExecutable, mavenDependencies, pomOf } from './maven';
import { onPath, runCommand } from './processes';
import type { Component } from './types';

const mainClass = 'software.amazon.dynamodb.services.local.main.ServerRunner';
const loopbackClass = 'LoopbackServerRunner';
const loopbackSource = path.join(path.dirname(pomOf('dynamodb')), `${loopbackClass}.java`);

const dataDir = (profile: StackProfile) => path.join(profile.stateDir, 'dynamodb');

/** A client for the profile's DynamoDB Local; the credentials are placeholders it requires. */
export function localDynamoClient(profile: StackProfile): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: `http://${profile.host}:${profile.dynamodbPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

function javacExecutable(): string | undefined {
  const fromHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'javac') : undefined;
  if (fromHome && existsSync(fromHome)) return fromHome;
  return onPath('javac') ? 'javac' : undefined;
}

/**
 * Compiles the loopback runner against the jars once (cached by source and jar folder); resolves
 * to its class folder, or undefined when only a Java runtime without a compiler is installed.
 */
async function loopbackRunner(libs: string, log: (line: string) => void): Promise<string | undefined> {
  const javac = javacExecutable();
  if (!javac) {
    log('dynamodb: no javac found, so DynamoDB Local listens on all interfaces, not only 127.0.0.1');
    return undefined;
  }
  const digest = createHash('sha256')
    .update(readFileSync(loopbackSource))
    .update(libs)
    .digest('hex')
    .slice(0, 12);
  const classes = path.join(cacheDir, `dynamodb-loopback-${digest}`);
  if (existsSync(path.join(classes, `${loopbackClass}.class`))) return classes;
  const staging = `${classes}.partial`;
  rmSync(staging, { recursive: true, force: true });
  await runCommand(
    'dynamodb: could not compile its loopback runner',
    javac,
    ['-cp', `${libs}/*`, '-d', staging, loopbackSource],
    60_000,
  );
  rmSync(classes, { recursive: true, force: true });
  renameSync(staging, classes);
  return classes;
}

export const dynamodb: Component = {
  name: 'dynamodb',
  processMarker: 'ServerRunner',
  clustered: false,
  startTimeoutSeconds: 60,
  ports: (profile) => [profile.dynamodbPort],
  portVariables: (profile) => [`PEAKCART_${profile.name.toUpperCase()}_DYNAMODB_PORT`],
  dataDirs: (profile) => (keepsData(profile) ? [dataDir(profile)] : []),
  async prepare(profile: StackProfile, _nodes, log) {
    const java = javaExecutable();
    const libs = await mavenDependencies('dynamodb', log);
    const loopback = await loopbackRunner(libs, log);
    let storage = ['-inMemory'];
    if (keepsData(profile)) {
      mkdirSync(dataDir(profile), { recursive: true });
      storage = ['-dbPath', dataDir(profile)];
    }
    const launch = {
      command: java,
      args: [
        '-Xmx512m',
        `-Djava.library.path=${libs}`,
        '-cp',
        loopback ? `${loopback}${path.delimiter}${libs}/*` : `${libs}/*`,
        loopback ? loopbackClass : mainClass,
        ...storage,
        '-sharedDb',
        '-disableTelemetry',
        '-port',
        String(profile.dynamodbPort),
      ],
    };
    return [launch];
  },
  async isHealthy(profile) {
    const client = localDynamoClient(profile);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  },
};
