/**
 * Kafka consumer of member events: a withdrawn member's complaints keep their count and lose who
 * made them and what they wrote. Repeating it changes nothing more.
 */

import { memberEventTypes } from '../../shared/domain/member';
import { eraseComplainant } from '../../shared/dynamo/complaint-store';
import { domainEventConsumer } from '../../shared/kafka/consumer';
import { logger } from '../../shared/logger';

export const handler = domainEventConsumer(async (event) => {
  if (event.type !== memberEventTypes.withdrawn) return;
  const { memberId, withdrawnAt } = event.data as { memberId: string; withdrawnAt: string };
  const erased = await eraseComplainant(memberId, withdrawnAt);
  if (erased > 0) logger.info('complaints of a withdrawn member anonymised', { erased });
});
