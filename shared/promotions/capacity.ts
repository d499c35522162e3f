/**
 * Plans the warm capacity of the next day of promotions (shared/domain/capacity.ts) and makes the
 * scheduled actions say exactly that: planned actions no longer in the plan are deleted, the rest
 * put (a put of an unchanged action changes nothing).
 */

import {
  deleteScheduledAction,
  putScheduledCapacity,
  scheduledActionNames,
} from '../autoscaling/scheduled-capacity';
import { requireEnv } from '../config/env';
import {
  type CapacitySettings,
  capacityPlan,
  plannedActionPrefix,
  type ScheduledCapacity,
} from '../domain/capacity';
import type { Promotion } from '../domain/promotion';
import { listPromotions } from '../dynamo/promotion-store';
import { logger } from '../logger';

export const planningHorizonMs = 24 * 3_600_000;

export function capacitySettings(): CapacitySettings {
  return JSON.parse(requireEnv('CAPACITY_SETTINGS')) as CapacitySettings;
}

export interface PlannedCapacity {
  scheduled: ScheduledCapacity[];
  deleted: number;
}

/** Schedules the capacity of the promotions (all of them by default) for the next `planningHorizonMs`. */
export async function planPromotionCapacity(
  now = new Date(),
  promotions?: readonly Promotion[],
): Promise<PlannedCapacity> {
  const settings = capacitySettings();
  const plan = capacityPlan(promotions ?? (await listPromotions()), settings, now, planningHorizonMs);
  const wanted = new Set(plan.map((change) => change.name));
  let deleted = 0;
  for (const functionName of Object.keys(settings.functions)) {
    for (const name of await scheduledActionNames(functionName, plannedActionPrefix)) {
      if (wanted.has(name)) continue;
      await deleteScheduledAction(functionName, name);
      deleted += 1;
    }
  }
  for (const change of plan) await putScheduledCapacity(change, now);
  logger.info('promotion capacity planned', { scheduled: plan.length, deleted });
  return { scheduled: plan, deleted };
}

/**
 * Plans after an admin's change. The change is saved already: a plan that cannot be made now is
 * logged, and the hourly plan makes it.
 */
export async function replanAfterChange(now = new Date()): Promise<void> {
  try {
    await planPromotionCapacity(now);
  } catch (error) {
    logger.error('promotion capacity not planned; the hourly plan will retry', { error: error as Error });
  }
}
