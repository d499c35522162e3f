/** The Lambda context a handler receives, as Lambda's Node runtime shapes it. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { TriggerDefinition } from './types';

/**
 * A fresh context per invocation: a new request id, and getRemainingTimeInMillis counting down to
 * the function's timeout. Callback-style completion is refused, since handlers here return promises.
 */
export function lambdaContext(definition: TriggerDefinition, deadline: number): Context {
  const { functionName } = definition;
  const unsupported = () => {
    throw new Error('callback-style context methods are not supported; return a promise');
  };
  return {
    awsRequestId: randomUUID(),
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `offline_invokedFunctionArn_for_${functionName}`,
    logGroupName: `offline_logGroupName_for_${functionName}`,
    logStreamName: `offline_logStreamName_for_${functionName}`,
    memoryLimitInMB: String(definition.memorySize),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
