/** Kafka consumer: counts ad events into the ads report (impressions, charged clicks, spend and CTR per campaign). */
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { adsReport } from '../../shared/domain/analytics';

export const handler = reportConsumer(adsReport);
