/** Kafka consumer: counts order events into the sales report (sales by seller and product group: orders, units, amounts). */
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { salesReport } from '../../shared/domain/analytics';

export const handler = reportConsumer(salesReport);
