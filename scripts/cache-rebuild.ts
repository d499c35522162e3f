/**
 * npm run cache:rebuild — rebuilds the Redis price cache from DynamoDB, the source of truth: after
 * Redis lost its data, after a bulk load, or whenever the cache is in doubt.
 *
 *   npm run cache:rebuild -- [--profile dev|test] [--segments 4]
 *
 * Clears every price-cache key, then applies every offer (parallel scans of the catalog table) the
 * way the cache updater applies catalog events. Search answers from DynamoDB for keywords not yet
 * rebuilt, so it stays right while this runs. Popular and related keywords are search history, not
 * catalog: they are kept.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { allOffers } from '../shared/dynamo/offer-store';
import { applyOffer, clearPriceCache } from '../shared/redis/price-cache';
import { inParallel } from './support/parallel';
import { useProfile } from './support/profile';
import { run } from './support/run';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { profile: { type: 'string' }, segments: { type: 'string', default: '4' } },
  });
  const segments = Number(values.segments);
  if (!Number.isInteger(segments) || segments < 1 || segments > 64)
    throw new Error('--segments must be 1-64');
  useProfile(values.profile);
  const started = performance.now();
  const cleared = await clearPriceCache();
  const bar = new SingleBar({
    format: 'rebuilding [{bar}] {value} offers applied',
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  bar.start(0, 0);
  let offers = 0;
  for await (const page of allOffers(segments)) {
    await inParallel(page, 32, (offer) => applyOffer(offer));
    offers += page.length;
    bar.setTotal(offers);
    bar.update(offers);
  }
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `cleared ${cleared} keys, applied ${offers} offers in ${seconds.toFixed(1)} s (${Math.round(offers / seconds)} offers/s)`,
  );
}

run(main);
