/** Kafka consumer: counts order events into the promotions report (orders, units and revenue per promotion). */
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { promotionsReport } from '../../shared/domain/analytics';

export const handler = reportConsumer(promotionsReport);
