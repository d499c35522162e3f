/**
 * Application Auto Scaling's scheduled actions for provisioned concurrency, as the local runtime
 * answers them on its lambda port (the JSON protocol of `AnyScaleFrontendService`): Put, Describe
 * and DeleteScheduledAction. A one-time action (`at(...)`) sets the function's provisioned
 * concurrency when it is due: the runtime then keeps that many containers started and warm.
 */
import type { IncomingMessage } from 'node:http';

export interface LocalScheduledAction {
  ScheduledActionName: string;
  ScheduledActionARN: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  Schedule: string;
  Timezone?: string;
  ScalableTargetAction: { MinCapacity?: number; MaxCapacity?: number };
  CreationTime: number;
}

export interface AutoScalingAnswer {
  status: number;
  body: unknown;
}

const dimension = 'lambda:function:ProvisionedConcurrency';

class ValidationError extends Error {
  constructor(
    message: string,
    readonly type = 'ValidationException',
  ) {
    super(message);
  }
}

/** `at(2026-12-02T09:50:00)` in UTC (or the action's time zone when it is UTC) → epoch ms. */
function atTime(schedule: string, timeZone = 'UTC'): number {
  const found = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(schedule);
  if (!found)
    throw new ValidationError(`unsupported schedule ${schedule}: only at(yyyy-mm-ddThh:mm:ss) runs offline`);
  if (timeZone !== 'UTC')
    throw new ValidationError(`unsupported time zone ${timeZone}: only UTC runs offline`);
  return Date.parse(`${found[1]}Z`);
}

export interface LocalAutoScalingOptions {
  /** Function names the runtime knows. */
  knows: (functionName: string) => boolean;
  provision: (functionName: string, capacity: number) => void;
  log: (line: string) => void;
}

export class LocalAutoScaling {
  private readonly actions = new Map<string, { action: LocalScheduledAction; timer: NodeJS.Timeout }>();

  constructor(private readonly options: LocalAutoScalingOptions) {}

  /** Whether the request is one of Application Auto Scaling's. */
  static accepts(request: IncomingMessage): boolean {
    return String(request.headers['x-amz-target'] ?? '').startsWith('AnyScaleFrontendService.');
  }

  answer(target: string, input: Record<string, unknown>): AutoScalingAnswer {
    try {
      const operation = target.replace('AnyScaleFrontendService.', '');
      if (input.ServiceNamespace !== 'lambda')
        throw new ValidationError('only the lambda namespace runs offline');
      if (operation === 'PutScheduledAction') return { status: 200, body: this.put(input) };
      if (operation === 'DeleteScheduledAction') return { status: 200, body: this.delete(input) };
      if (operation === 'DescribeScheduledActions') return { status: 200, body: this.describe(input) };
      throw new ValidationError(`${operation} is not available offline`, 'UnknownOperationException');
    } catch (error) {
      const type = error instanceof ValidationError ? error.type : 'InternalServiceException';
      return {
        status: 400,
        body: { __type: type, message: error instanceof Error ? error.message : String(error) },
      };
    }
  }

  /** Every scheduled action, for `/local/stats`-like inspection. */
  list(): LocalScheduledAction[] {
    return [...this.actions.values()].map(({ action }) => action);
  }

  stop(): void {
    for (const { timer } of this.actions.values()) clearTimeout(timer);
    this.actions.clear();
  }

  private functionOf(input: Record<string, unknown>): string {
    if (input.ScalableDimension !== dimension)
      throw new ValidationError(`ScalableDimension must be ${dimension}`);
    const found = /^function:([^:]+):([^:]+)$/.exec(String(input.ResourceId ?? ''));
    if (!found) throw new ValidationError('ResourceId must look like function:<name>:<alias>');
    const functionName = found[1] as string;
    if (!this.options.knows(functionName)) {
      throw new ValidationError(`No scalable target for ${input.ResourceId}`, 'ObjectNotFoundException');
    }
    return functionName;
  }

  private key = (input: Record<string, unknown>) => `${input.ResourceId}|${input.ScheduledActionName}`;

  private put(input: Record<string, unknown>): Record<string, never> {
    const functionName = this.functionOf(input);
    const name = String(input.ScheduledActionName ?? '');
    if (!/^[^:/|]{1,256}$/.test(name))
      throw new ValidationError('ScheduledActionName must be 1 to 256 characters without : / |');
    const schedule = String(input.Schedule ?? '');
    const timeZone = typeof input.Timezone === 'string' ? input.Timezone : 'UTC';
    const due = atTime(schedule, timeZone);
    const targetAction = (input.ScalableTargetAction ?? {}) as LocalScheduledAction['ScalableTargetAction'];
    const capacity = targetAction.MinCapacity;
    if (typeof capacity !== 'number' || capacity < 0)
      throw new ValidationError('ScalableTargetAction.MinCapacity must be a number >= 0');
    this.deleteKey(this.key(input));
    const action: LocalScheduledAction = {
      ScheduledActionName: name,
      ScheduledActionARN: `arn:aws:autoscaling:local:000000000000:scheduledAction:${name}`,
      ServiceNamespace: 'lambda',
      ResourceId: String(input.ResourceId),
      ScalableDimension: dimension,
      Schedule: schedule,
      Timezone: timeZone,
      ScalableTargetAction: targetAction,
      CreationTime: Date.now() / 1_000,
    };
    const timer = setTimeout(
      () => {
        this.options.log(
          `autoscaling  ${name}: provisioned concurrency of ${functionName} set to ${capacity}`,
        );
        this.options.provision(functionName, capacity);
      },
      Math.max(0, due - Date.now()),
    );
    timer.unref();
    this.actions.set(this.key(input), { action, timer });
    return {};
  }

  private delete(input: Record<string, unknown>): Record<string, never> {
    this.functionOf(input);
    if (!this.deleteKey(this.key(input))) {
      throw new ValidationError(
        `No scheduled action ${input.ScheduledActionName}`,
        'ObjectNotFoundException',
      );
    }
    return {};
  }

  private deleteKey(key: string): boolean {
    const existing = this.actions.get(key);
    if (!existing) return false;
    clearTimeout(existing.timer);
    this.actions.delete(key);
    return true;
  }

  private describe(input: Record<string, unknown>): { ScheduledActions: LocalScheduledAction[] } {
    const names = Array.isArray(input.ScheduledActionNames)
      ? (input.ScheduledActionNames as string[])
      : undefined;
    const actions = this.list().filter(
      (action) =>
        (input.ResourceId === undefined || action.ResourceId === input.ResourceId) &&
        (names === undefined || names.includes(action.ScheduledActionName)),
    );
    return { ScheduledActions: actions };
  }
}
