/**
 * npm run seed — the demo catalog: by default 100,000 offers over 10,000 product groups, the same
 * every run (see support/demo-catalog.ts).
 *
 *   npm run seed -- [--groups 10000] [--offers-per-group 10] [--profile dev|test]
 *
 * A bulk path that ends where the API's write path ends: every offer's items in DynamoDB (the
 * items saveOffer writes, in batches), its OfferUpserted event on the catalog topic (so consumers
 * see the same events as for a seller's change) and the Redis price cache warmed directly. The
 * cache updater applying the same events later changes nothing (same versions). Seeding again
 * rewrites the demo offers at version 1; run cache:rebuild afterwards if sellers changed them.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { offerEvent } from '../shared/catalog/offers';
import { type Offer, offerInputSchema } from '../shared/domain/catalog';
import { closeDynamo } from '../shared/dynamo/client';
import { offerItems, writeItems } from '../shared/dynamo/offer-store';
import { closeKafka } from '../shared/kafka/client';
import { publishEvents } from '../shared/kafka/events';
import { closeRedis } from '../shared/redis/client';
import { applyOffer } from '../shared/redis/price-cache';
import { defaultDemoCatalog, demoGroup, seededAt } from './support/demo-catalog';
import { inParallel } from './support/parallel';
import { useProfile } from './support/profile';

const groupsPerChunk = 100;
const chunksInFlight = 4;

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${flag} must be a positive integer`);
  return number;
}

/** Every offer must be one the API would accept: the seed never writes what a seller could not. */
function checked(offers: Offer[]): Offer[] {
  for (const offer of offers) {
    const { offerId: _o, sellerId: _s, version: _v, removed: _r, updatedAt: _u, ...input } = offer;
    const result = offerInputSchema.safeParse(input);
    if (!result.success) throw new Error(`demo offer ${offer.offerId} is invalid: ${result.error.message}`);
  }
  return offers;
}

async function seedChunk(offers: Offer[]): Promise<void> {
  await writeItems(offers.flatMap(offerItems));
  await publishEvents(
    'catalogEvents',
    offers.map((offer) => offerEvent(offer, new Date(seededAt))),
  );
  await inParallel(offers, 32, (offer) => applyOffer(offer));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      groups: { type: 'string' },
      'offers-per-group': { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const options = {
    ...defaultDemoCatalog,
    groups: positiveInteger(values.groups, '--groups', defaultDemoCatalog.groups),
    offersPerGroup: positiveInteger(
      values['offers-per-group'],
      '--offers-per-group',
      defaultDemoCatalog.offersPerGroup,
    ),
  };
  useProfile(values.profile);
  const total = options.groups * options.offersPerGroup;
  const bar = new SingleBar({
    format: 'seeding [{bar}] {percentage}% | {value}/{total} offers | {eta}s left',
    stream: process.stderr,
    // Without a terminal (CI, a log file), a progress line every 10 s instead of a redrawn bar.
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  const started = performance.now();
  bar.start(total, 0);
  const chunks = Array.from({ length: Math.ceil(options.groups / groupsPerChunk) }, (_, chunk) => chunk);
  const keywords = new Set<string>();
  await inParallel(chunks, chunksInFlight, async (chunk) => {
    const first = chunk * groupsPerChunk;
    const offers = checked(
      Array.from({ length: Math.min(groupsPerChunk, options.groups - first) }, (_, n) =>
        demoGroup(first + n, options),
      ).flat(),
    );
    for (const offer of offers) for (const keyword of offer.keywords) keywords.add(keyword);
    await seedChunk(offers);
    bar.increment(offers.length);
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `seeded ${total} offers in ${options.groups} product groups with ${keywords.size} keywords in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} offers/s)`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closeKafka();
    await closeRedis();
    closeDynamo();
  });
