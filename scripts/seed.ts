/**
 * npm run seed — the demo catalog: by default 100,000 offers over 10,000 product groups, the same
 * every run (see support/demo-catalog.ts).
 *
 *   npm run seed -- [--groups 10000] [--offers-per-group 10] [--profile dev|test]
 *
 * A bulk path that ends where the API's write path ends: every offer is the one the API would store
 * for that input (parsed by its schema, made the first version by nextOffer), its items in DynamoDB
 * (the items saveOffer writes, in batches), its OfferUpserted event on the catalog topic (so
 * consumers see the same events as for a seller's change) and the Redis price cache warmed
 * directly. The cache updater applying the same events later changes nothing (same versions).
 * Seeding again rewrites the demo offers at version 1; run cache:rebuild afterwards if sellers
 * changed them.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { offerEvent } from '../shared/catalog/offers';
import { nextOffer, type Offer, offerInputSchema } from '../shared/domain/catalog';
import { offerItems, writeItems } from '../shared/dynamo/offer-store';
import { publishEvents } from '../shared/kafka/events';
import { applyOffer } from '../shared/redis/price-cache';
import { type DemoCatalogOptions, defaultDemoCatalog, demoGroup } from './support/demo-catalog';
import { inParallel } from './support/parallel';
import { useProfile } from './support/profile';
import { run } from './support/run';

/** Offers per chunk: one run of DynamoDB batches, one Kafka send, one round of cache updates. */
const offersPerChunk = 250;
// DynamoDB's batch writes are the bottleneck (DynamoDB Local on disk commits them item by item);
// beyond a few concurrent requests it gets no faster.
const chunksInFlight = 8;
const cacheUpdatesPerChunk = 8;

function positiveInteger(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new Error(`${flag} must be an integer from 1 to ${max}`);
  }
  return number;
}

/**
 * The offer the API would store for the generated one's input: parsed by the API's schema and made
 * the first version by nextOffer. The seed never writes what a seller could not.
 */
function asListedBySeller(generated: Offer): Offer {
  const { offerId, sellerId, version: _version, removed: _removed, updatedAt, ...input } = generated;
  const result = offerInputSchema.safeParse(input);
  if (!result.success) throw new Error(`demo offer ${offerId} is invalid: ${result.error.message}`);
  const offer = nextOffer(undefined, result.data, { offerId, sellerId }, new Date(updatedAt));
  if (!isDeepStrictEqual(offer, generated)) {
    throw new Error(`demo offer ${offerId} is not what the API would store for its input`);
  }
  return offer;
}

/** The offers of groups [first, first + count). */
function demoOffers(first: number, count: number, options: DemoCatalogOptions): Offer[] {
  return Array.from({ length: count }, (_, n) => demoGroup(first + n, options))
    .flat()
    .map(asListedBySeller);
}

/**
 * Keys of the items this run has written, so an item many offers imply (a keyword of the
 * autocomplete registry) is written once rather than once per chunk.
 */
const writtenKeys = new Set<string>();

function notYetWritten(items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items.filter((item) => {
    const key = `${item.pk}\n${item.sk}`;
    if (writtenKeys.has(key)) return false;
    writtenKeys.add(key);
    return true;
  });
}

/** Stored first, then announced, then cached: the order of the API's write path. */
async function seedChunk(offers: Offer[]): Promise<void> {
  await writeItems(notYetWritten(offers.flatMap(offerItems)));
  await publishEvents(
    'catalogEvents',
    offers.map((offer) => offerEvent(offer, new Date(offer.updatedAt))),
  );
  await inParallel(offers, cacheUpdatesPerChunk, (offer) => applyOffer(offer));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      groups: { type: 'string' },
      'offers-per-group': { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const options: DemoCatalogOptions = {
    ...defaultDemoCatalog,
    groups: positiveInteger(values.groups, '--groups', defaultDemoCatalog.groups, 99_999),
    // Every offer of a group comes from a different seller.
    offersPerGroup: positiveInteger(
      values['offers-per-group'],
      '--offers-per-group',
      defaultDemoCatalog.offersPerGroup,
      defaultDemoCatalog.sellers,
    ),
  };
  useProfile(values.profile);
  const total = options.groups * options.offersPerGroup;
  const groupsPerChunk = Math.max(1, Math.floor(offersPerChunk / options.offersPerGroup));
  const chunks = Array.from({ length: Math.ceil(options.groups / groupsPerChunk) }, (_, chunk) => {
    const first = chunk * groupsPerChunk;
    return { first, count: Math.min(groupsPerChunk, options.groups - first) };
  });
  const bar = new SingleBar({
    format: 'seeding [{bar}] {percentage}% | {value}/{total} offers | {eta}s left',
    stream: process.stderr,
    // Without a terminal (CI, a log file), a progress line every 10 s instead of a redrawn bar.
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  const keywords = new Set<string>();
  const started = performance.now();
  bar.start(total, 0);
  await inParallel(chunks, chunksInFlight, async ({ first, count }) => {
    const offers = demoOffers(first, count, options);
    for (const offer of offers) for (const keyword of offer.keywords) keywords.add(keyword);
    await seedChunk(offers);
    bar.increment(offers.length);
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `seeded ${total} offers in ${options.groups} product groups with ${keywords.size} keywords ` +
      `(${writtenKeys.size} DynamoDB items) in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} offers/s)`,
  );
}

run(main);
