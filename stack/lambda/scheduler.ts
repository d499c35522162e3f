/**
 * EventBridge schedules (`schedule: rate(...)` events) for the local runtime: each function is
 * invoked with a Scheduled Event once when the runtime starts and then every period. Like
 * EventBridge's asynchronous invocation, a tick waits for capacity rather than being throttled,
 * and a tick is skipped while the previous one of the same schedule still runs.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionDefinition } from './definitions';

const units: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The period of `rate(5 minutes)` in ms; throws for what is not a rate expression. */
function ratePeriodMs(expression: string): number {
  const found = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!found)
    throw new Error(`unsupported schedule "${expression}": only rate(<n> minute|hour|day[s]) runs offline`);
  const count = Number(found[1]);
  const unit = (found[2] as string).replace(/s$/, '');
  if (count < 1 || (count === 1) !== !(found[2] as string).endsWith('s')) {
    throw new Error(`invalid schedule "${expression}": use rate(1 ${unit}) or rate(<n> ${unit}s)`);
  }
  return count * (units[unit] as number);
}

export interface SchedulerOptions {
  functions: readonly FunctionDefinition[];
  region: string;
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  log: (line: string) => void;
}

export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    for (const definition of this.options.functions) {
      definition.schedules.forEach((expression, index) => {
        const periodMs = ratePeriodMs(expression);
        const rule = `${definition.name}-schedule-${index + 1}`;
        const tick = () => this.tick(definition, rule);
        tick();
        this.timers.push(setInterval(tick, periodMs));
      });
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  private tick(definition: FunctionDefinition, rule: string): void {
    if (this.running.has(rule)) return;
    this.running.add(rule);
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: [`arn:aws:events:${this.options.region}:000000000000:rule/${rule}`],
      detail: {},
    };
    this.options
      .invoke(definition.name, event)
      .catch((error: unknown) => {
        // A run cut short by the runtime's own stop is no failure of the function.
        if (this.stopped) return;
        this.options.log(
          `schedule  ${rule}  failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => this.running.delete(rule));
  }
}
