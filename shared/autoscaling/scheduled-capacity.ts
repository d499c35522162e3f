/**
 * Scheduled provisioned concurrency through Application Auto Scaling: one scheduled action per
 * planned change, on the `provisioned` alias of a function (the alias Serverless creates for
 * `provisionedConcurrency`). AUTOSCALING_ENDPOINT points the client at the local runtime's own
 * Application Auto Scaling (stack/lambda) offline and is empty on AWS.
 */
import {
  ApplicationAutoScalingClient,
  DeleteScheduledActionCommand,
  DescribeScheduledActionsCommand,
  PutScheduledActionCommand,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import { optionalEnv, requireEnv } from '../config/env';
import type { ScheduledCapacity } from '../domain/capacity';

const dimension = 'lambda:function:ProvisionedConcurrency';
const namespace = 'lambda';
const provisionedAlias = 'provisioned';

let client: ApplicationAutoScalingClient | undefined;

function autoscaling(): ApplicationAutoScalingClient {
  if (client) return client;
  const endpoint = optionalEnv('AUTOSCALING_ENDPOINT');
  client = new ApplicationAutoScalingClient({
    region: requireEnv('AWS_REGION'),
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
  return client;
}

const resourceIdOf = (functionName: string) => `function:${functionName}:${provisionedAlias}`;

/**
 * `at(2026-12-02T09:50:00)`, in UTC: Application Auto Scaling's one-time schedule, to the second,
 * never earlier than the next whole second (an action for "now" must not be in the past on arrival).
 */
function atExpression(at: Date, now = Date.now()): string {
  const second = Math.max(Math.ceil(at.getTime() / 1_000), Math.ceil(now / 1_000) + 1) * 1_000;
  return `at(${new Date(second).toISOString().slice(0, 19)})`;
}

/** Creates or replaces the scheduled action of one planned change, planned at `now`. */
export async function putScheduledCapacity(change: ScheduledCapacity, now = new Date()): Promise<void> {
  await autoscaling().send(
    new PutScheduledActionCommand({
      ServiceNamespace: namespace,
      ScalableDimension: dimension,
      ResourceId: resourceIdOf(change.functionName),
      ScheduledActionName: change.name,
      Schedule: atExpression(change.at, now.getTime()),
      Timezone: 'UTC',
      ScalableTargetAction: { MinCapacity: change.capacity, MaxCapacity: change.capacity },
    }),
  );
}

/** The names of the scheduled actions of a function whose names start with `prefix`. */
export async function scheduledActionNames(functionName: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await autoscaling().send(
      new DescribeScheduledActionsCommand({
        ServiceNamespace: namespace,
        ResourceId: resourceIdOf(functionName),
        ScalableDimension: dimension,
        NextToken,
      }),
    );
    for (const action of page.ScheduledActions ?? ([] as ScheduledAction[])) {
      if (action.ScheduledActionName?.startsWith(prefix)) names.push(action.ScheduledActionName);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

export async function deleteScheduledAction(functionName: string, name: string): Promise<void> {
  await autoscaling().send(
    new DeleteScheduledActionCommand({
      ServiceNamespace: namespace,
      ScalableDimension: dimension,
      ResourceId: resourceIdOf(functionName),
      ScheduledActionName: name,
    }),
  );
}
