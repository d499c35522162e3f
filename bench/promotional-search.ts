/**
 * npm run bench:promotional-search — what live promotions cost keyword search, in-process against
 * the stack's Redis: the same search (10 groups × 10 offers of a keyword with `--groups` product
 * groups of `--offers` offers each) with no promotion of its own, then under a promotion scoped to
 * one product group, to one seller, and to everything, each beside the baseline measured in the
 * same run.
 *
 *   npm run bench:promotional-search -- [--groups 200] [--offers 12] [--searches 2000] [--profile dev|test]
 *
 * Its promotions are live on the whole stack while it runs (valid for 10 minutes at most) and
 * ended before it exits.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import type { Offer } from '../shared/domain/catalog';
import type { PromotionInput } from '../shared/domain/promotion';
import { logger } from '../shared/logger';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '200' },
    offers: { type: 'string', default: '12' },
    searches: { type: 'string', default: '2000' },
    profile: { type: 'string', default: 'dev' },
  },
});
useProfile(values.profile);
process.env.LOG_LEVEL = 'ERROR';
logger.setLogLevel('ERROR');

const groups = Number(values.groups);
const offersPerGroup = Number(values.offers);
const searches = Number(values.searches);
const sellers = 20;

interface Stats {
  p50: number;
  p99: number;
  perSecond: number;
}

async function measure(search: () => Promise<unknown>): Promise<Stats> {
  for (let warm = 0; warm < 50; warm += 1) await search();
  const samples: number[] = [];
  const started = performance.now();
  for (let index = 0; index < searches; index += 1) {
    const t = performance.now();
    await search();
    samples.push(performance.now() - t);
  }
  const wallMs = performance.now() - started;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), perSecond: (searches / wallMs) * 1000 };
}

async function main(): Promise<void> {
  const { applyOffer } = await import('../shared/redis/price-cache');
  const { lowestPriceByKeyword } = await import('../shared/search/lowest-price');
  const { putPromotion, endPromotion } = await import('../shared/promotions/admin');
  const { livePromotions } = await import('../shared/promotions/live');

  const runId = randomUUID().slice(0, 8);
  const keyword = `promobench${runId}`;
  console.log(
    `keyword ${keyword}: ${groups} groups × ${offersPerGroup} offers, ${searches} searches a scenario (profile ${values.profile})`,
  );
  const now = new Date().toISOString();
  for (let group = 0; group < groups; group += 1) {
    for (let index = 0; index < offersPerGroup; index += 1) {
      // Prices spread so that groups and offers interleave, as a real keyword's do.
      const price = 10_000 + ((group * 7_919 + index * 104_729) % 20_000);
      const offer: Offer = {
        offerId: `pb${runId}-${group}-${index}`,
        groupId: `pb${runId}-${group}`,
        sellerId: `pb${runId}-s${(group + index) % sellers}`,
        sku: 'SKU',
        title: 'Benchmark product',
        keywords: [keyword],
        category: `pb${runId}-c${group % 5}`,
        price,
        shippingFee: (index % 3) * 1_500,
        stock: 10,
        unitCost: Math.round(price * 0.7),
        url: 'https://seller.example/p',
        version: 1,
        removed: false,
        updatedAt: now,
      };
      await applyOffer(offer);
    }
  }
  const search = () => lowestPriceByKeyword({ keyword, offset: 0, limit: 10, offersPerGroup: 10 });
  const validity = { validUntil: new Date(Date.now() + 10 * 60_000).toISOString() };
  const promotion = (
    scope: PromotionInput['scope'],
    discount: PromotionInput['discount'],
  ): PromotionInput => ({
    name: 'Benchmark',
    schedule: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
    timeZone: 'Asia/Seoul',
    scope,
    discount,
    limits: {},
    ...validity,
  });
  const scenarios: Array<[string, PromotionInput | undefined]> = [
    ['no promotion', undefined],
    [
      'one product group, 20%',
      promotion(
        { kind: 'group', groupId: `pb${runId}-${Math.floor(groups / 2)}` },
        { kind: 'percent', percent: 20 },
      ),
    ],
    [
      'one seller, 1,000 won',
      promotion({ kind: 'seller', sellerId: `pb${runId}-s3` }, { kind: 'fixed', won: 1_000 }),
    ],
    [
      'everything, 10% up to 3,000',
      promotion({ kind: 'all' }, { kind: 'percent', percent: 10, maxWon: 3_000 }),
    ],
  ];
  const elsewhere = (await livePromotions(new Date())).length;
  if (elsewhere > 0)
    console.log(`note: ${elsewhere} other promotions are live on this stack in every scenario`);
  const results: Array<[string, Stats]> = [];
  for (const [name, input] of scenarios) {
    const promotionId = `pb${runId}-${results.length}`;
    if (input) await putPromotion(promotionId, input);
    try {
      results.push([name, await measure(search)]);
    } finally {
      if (input) await endPromotion(promotionId);
    }
  }
  const baseline = results[0]?.[1];
  console.log(
    '\nscenario                        p50 ms   p99 ms   searches/s   ratio of baseline (searches/s)',
  );
  for (const [name, stats] of results) {
    console.log(
      `${name.padEnd(30)} ${stats.p50.toFixed(2).padStart(7)}  ${stats.p99.toFixed(2).padStart(7)}   ${stats.perSecond.toFixed(0).padStart(10)}   ${baseline ? (stats.perSecond / baseline.perSecond).toFixed(2) : '-'}`,
    );
  }
}

run(main);
