/** Kafka consumer: counts order events into the purchases report (purchases by age band, gender, region and amount band). */
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { purchasesReport } from '../../shared/domain/analytics';

export const handler = reportConsumer(purchasesReport);
