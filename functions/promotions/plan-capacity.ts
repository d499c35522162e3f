/** Every hour: schedules provisioned concurrency ahead of the promotions of the next day. */
import { planPromotionCapacity } from '../../shared/promotions/capacity';

export const handler = async () => {
  const { scheduled, deleted } = await planPromotionCapacity();
  return { scheduled: scheduled.length, deleted };
};
