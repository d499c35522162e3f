/**
 * Kafka consumer of catalog events: keeps the Redis price cache exact, group by group. Events of a
 * group arrive in order on one partition; an older or repeated version changes nothing.
 */
import { offerEventTypes, offerSchema } from '../../shared/domain/catalog';
import { domainEventConsumer } from '../../shared/kafka/consumer';
import { applyOffer } from '../../shared/redis/price-cache';

const offerEvents = new Set<string>(Object.values(offerEventTypes));

export const handler = domainEventConsumer(async (event) => {
  if (!offerEvents.has(event.type)) return;
  await applyOffer(offerSchema.parse(event.data));
});
