/** Kafka consumer: counts order events and charged ad clicks into the revenue report (sales, refunds, cost, margin, ad revenue and profit). */
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { revenueReport } from '../../shared/domain/analytics';

export const handler = reportConsumer(revenueReport);
