/** Kafka consumer: counts order events into each seller's standing (orders, cancellations, returns, shipments, margin). */
import { standingConsumer } from '../../shared/sellers/standing-consumer';

export const handler = standingConsumer();
