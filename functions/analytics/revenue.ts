/** Kafka consumer: counts order events into the revenue report (gross sales, refunds, cost and margin). */
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { revenueReport } from '../../shared/domain/analytics';

export const handler = reportConsumer(revenueReport);
