/**
 * How the API protects its core under a traffic spike (a promotion starts, search traffic
 * multiplies while buyers race to check out): who is limited how much, how much each endpoint
 * matters, and when work that matters less is shed. Pure rules; the HTTP stack applies them
 * (shared/http/middleware/rate-limit.ts, load-shedding.ts).
 */
import type { QuotaPolicy } from './quota';

/**
 * Who is calling, for rate limiting: `internal` is a caller with a valid access token (by member
 * id), `anonymous` anyone else (by source IP). `partner` callers are limited by their own quota, in
 * their partner record, when they authenticate (shared/search/partners.ts).
 */
export type ClientClass = 'internal' | 'anonymous' | 'partner';

export interface Client {
  clientClass: ClientClass;
  /** The member id, source IP or partner id the bucket belongs to. */
  id: string;
}

/**
 * Per source IP. One person makes a few requests a second at most (a search page is a handful of
 * calls, autocomplete one per keystroke), but a mobile carrier's NAT or an office puts hundreds of
 * people behind one address, so an address gets the budget of dozens of busy people: 100/s goes on
 * where scrapers start, and the burst of 300 absorbs page loads that land together (and the
 * end-to-end suite, which drives everything from 127.0.0.1).
 */
export const anonymousPolicy: QuotaPolicy = { perSecond: 100, burst: 300 };

/**
 * Per signed-in member: one person (or their app), so 50/s is far beyond anything a human does and
 * only stops a runaway client or a bot on a real account. The burst of 300 is above the flash-sale
 * worst case of one buyer: the end-to-end suite places 200 orders at once from one account and must
 * see every one of them answered by checkout, not by the limiter.
 */
export const internalPolicy: QuotaPolicy = { perSecond: 50, burst: 300 };

/** The policy of each class the HTTP stack limits; partners carry their own. */
export const classPolicies = { anonymous: anonymousPolicy, internal: internalPolicy } as const;

export type ClassPolicies = { readonly [Class in keyof typeof classPolicies]: QuotaPolicy };

/**
 * The policies of a RATE_LIMITS setting, `anonymous:100/300,internal:50/300` (either part may be
 * left out and keeps its default): how a stage, or a benchmark that drives all its load from one
 * address, sets its own. Throws on anything else, so a typo fails the deploy, not the limits.
 */
export function policiesFrom(setting: string | undefined): ClassPolicies {
  const policies: Record<keyof ClassPolicies, QuotaPolicy> = { ...classPolicies };
  for (const part of (setting ?? '').split(',').filter((entry) => entry.trim() !== '')) {
    const match = /^\s*(anonymous|internal):(\d+(?:\.\d+)?)\/(\d+)\s*$/.exec(part);
    if (!match?.[1] || Number(match[2]) <= 0 || Number(match[3]) < 1) {
      throw new Error(`RATE_LIMITS: "${part}" is not <anonymous|internal>:<per second>/<burst>`);
    }
    policies[match[1] as keyof ClassPolicies] = { perSecond: Number(match[2]), burst: Number(match[3]) };
  }
  return policies;
}

/** The class and bucket of a request: the member when a token named one, else the address. */
export function classifyClient(memberId: string | undefined, sourceIp: string | undefined): Client {
  if (memberId) return { clientClass: 'internal', id: memberId };
  return { clientClass: 'anonymous', id: sourceIp || 'unknown' };
}

/**
 * How much an endpoint matters when the platform is overloaded: `essential` (checkout's writes,
 * logins) is never shed, `standard` is shed only under heavy pressure, `optional` (popular
 * keywords, suggestions, history, analytics) first.
 */
export const priorities = ['essential', 'standard', 'optional'] as const;
export type Priority = (typeof priorities)[number];
export const defaultPriority: Priority = 'standard';

/** What a container knows about load at the start of a request. */
export interface PressureSignals {
  /** HTTP invocations running in this process (one at most in a Lambda container). */
  inFlight: number;
  /** Typical event-loop delay of the last second, in milliseconds. */
  loopDelayMs: number;
  /** Essential invocations running across every container, from Redis. */
  essentialInFlight: number;
}

/** 0: normal; 1: shed optional work; 2: shed standard work too. */
export type PressureLevel = 0 | 1 | 2;

/**
 * [level 1, level 2] of each signal.
 *
 * - inFlight: a Lambda container (and a local one) runs one invocation at a time, so this speaks
 *   only where one process serves many requests at once; 200 concurrent orders in one process ran
 *   without queueing, so pressure starts above that, and at 1,000 requests wait on each other.
 * - loopDelayMs: a healthy function's event loop turns within a few milliseconds. When the typical
 *   turn waits 100 ms, every request waits that long for its turn and the process is queueing
 *   work; at half a second answers are too late to be useful and the CPU must go to checkout.
 * - essentialInFlight: each running checkout or login is a Lambda instance, and every function
 *   shares the account's concurrency (1,000 by default). At 300 checkout is the hot path of a sale;
 *   at 800 the rest of the API would take the concurrency checkout needs next.
 */
export const pressureThresholds = {
  inFlight: [300, 1_000],
  loopDelayMs: [100, 500],
  essentialInFlight: [300, 800],
} as const satisfies Record<keyof PressureSignals, readonly [number, number]>;

/** The highest level any signal reaches. */
export function pressureLevel(signals: PressureSignals): PressureLevel {
  let level: PressureLevel = 0;
  for (const signal of Object.keys(pressureThresholds) as (keyof PressureSignals)[]) {
    const [first, second] = pressureThresholds[signal];
    if (signals[signal] >= second) return 2;
    if (signals[signal] >= first) level = 1;
  }
  return level;
}

/** Whether a request of this priority is refused at this level: essential work never is. */
export function shouldShed(priority: Priority, level: PressureLevel): boolean {
  if (priority === 'optional') return level >= 1;
  if (priority === 'standard') return level >= 2;
  return false;
}

/** What a shed request is told to wait: pressure is measured per second, so it may be gone by then. */
export const shedRetryAfterSeconds = 1;
