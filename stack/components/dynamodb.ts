/**
 * DynamoDB Local from Maven Central (stack/maven/dynamodb/pom.xml), in memory. Its sqlite4java
 * native library is copied beside the jars, so that folder is the java.library.path.
 * DynamoDB Local has no option to choose the interface it binds; it listens on all of them.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { StackProfile } from '../profiles';
import { javaExecutable, mavenDependencies } from './maven';
import type { Component } from './types';

/** A client for the profile's DynamoDB Local; the credentials are placeholders it requires. */
export function localDynamoClient(profile: StackProfile): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: `http://${profile.host}:${profile.dynamodbPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export const dynamodb: Component = {
  name: 'dynamodb',
  startTimeoutSeconds: 60,
  ports: (profile) => [profile.dynamodbPort],
  portVariables: (profile) => [`PEAKCART_${profile.name.toUpperCase()}_DYNAMODB_PORT`],
  async prepare(profile: StackProfile, log) {
    const java = javaExecutable();
    const libs = mavenDependencies('dynamodb', log);
    return {
      command: java,
      args: [
        '-Xmx512m',
        `-Djava.library.path=${libs}`,
        '-cp',
        `${libs}/*`,
        'software.amazon.dynamodb.services.local.main.ServerRunner',
        '-inMemory',
        '-disableTelemetry',
        '-port',
        String(profile.dynamodbPort),
      ],
    };
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
