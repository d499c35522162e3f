/**
 * The outbox against the real DynamoDB Local and Kafka: an entry that cannot be sent is set aside
 * with its reason while the others flow; one Kafka keeps failing to take is set aside once its send
 * window has passed; stock given back past what a seller may enter is announced like any other;
 * and analytics still recognises a copy the outbox sends late in its window.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { orderEvent } from '../../scripts/support/demo-orders';
import { reportConsumer } from '../../shared/analytics/report-consumer';
import { upsertOffer } from '../../shared/catalog/offers';
import { bucketOf, salesReport, seriesOf } from '../../shared/domain/analytics';
import { memberEventTypes } from '../../shared/domain/member';
import { outboxSendWindowMs } from '../../shared/domain/outbox';
import { counterItems } from '../../shared/dynamo/analytics-store';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { findOffer } from '../../shared/dynamo/offer-store';
import { changeOrder, placeOrder } from '../../shared/dynamo/order-store';
import type { DomainEvent } from '../../shared/events/envelope';
import { closeKafka } from '../../shared/kafka/client';
import { logger } from '../../shared/logger';
import { memberEvent } from '../../shared/members/events';
import {
  entryKey,
  eventEntry,
  type OutboxEntry,
  offerSnapshotEntry,
  outboxPut,
} from '../../shared/outbox/entries';
import {
  relayPending,
  requeueEntry,
  type StoredEntry,
  sendEntries,
  setAsideEntries,
  setAsideMessage,
} from '../../shared/outbox/outbox';
import { kafka as kafkaComponent } from '../../stack/components/kafka';
import { loadProfile } from '../../stack/profiles';
import { down, up } from '../../stack/stack';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually, lambdaKafkaEvent as kafkaEvent, testKafka } from '../support/kafka';
import { testOrder } from '../support/orders';

afterAll(async () => {
  await closeKafka();
  closeDynamo();
});

afterEach(() => jest.restoreAllMocks());

async function write(entries: readonly OutboxEntry[]): Promise<void> {
  await dynamoClient().send(new TransactWriteCommand({ TransactItems: entries.map(outboxPut) }));
}

async function stored(eventId: string): Promise<StoredEntry & { gsi1pk?: string; expiresAt?: number }> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('outbox'), Key: entryKey(eventId), ConsistentRead: true }),
  );
  return Item as StoredEntry;
}

const loginEntry = (at: Date) =>
  eventEntry('memberEvents', memberEvent(memberEventTypes.loggedIn, randomUUID(), {}, at));

describe('an entry that cannot be sent', () => {
  it('is set aside with its reason, alerted, and the entries behind it are sent', async () => {
    const errors = jest.spyOn(logger, 'error');
    const written = new Date(Date.now() - 60_000);
    // Written as a bug would: the event fails its topic's schema (it was never checked).
    const broken = memberEvent(memberEventTypes.loggedIn, randomUUID(), {}, written);
    const poison: OutboxEntry = {
      eventId: broken.id,
      topicKey: 'memberEvents',
      event: { ...broken, data: { memberId: 42 } },
      createdAt: broken.time,
    };
    const behind = Array.from({ length: 3 }, (_, index) =>
      loginEntry(new Date(written.getTime() + index + 1)),
    );
    await write([poison, ...behind]);

    await relayPending();

    const aside = await stored(poison.eventId);
    expect(aside).toMatchObject({ gsi1pk: 'SET-ASIDE', setAsideReason: expect.stringContaining('memberId') });
    expect(aside.sentAt).toBeUndefined();
    expect(aside.expiresAt).toBeUndefined();
    for (const entry of behind) expect((await stored(entry.eventId)).sentAt).toEqual(expect.any(String));
    expect(errors).toHaveBeenCalledWith(
      setAsideMessage,
      expect.objectContaining({ eventId: poison.eventId, reason: aside.setAsideReason }),
    );
    // Queryable, and the next run does not touch it again.
    const listed: StoredEntry[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const page = await setAsideEntries(100, after);
      listed.push(...page.entries);
      after = page.next;
    } while (after);
    expect(listed.map((entry) => entry.eventId)).toContain(poison.eventId);
    errors.mockClear();
    await relayPending();
    expect(errors).not.toHaveBeenCalledWith(setAsideMessage, expect.anything());
  });

  it('that Kafka keeps failing to take stays pending within its send window, then is set aside', async () => {
    const entry = loginEntry(new Date());
    await write([entry]);
    const profile = loadProfile('test');
    await down(profile, () => undefined, [kafkaComponent]);
    try {
      expect(await sendEntries([entry])).toEqual({ sent: 0, retry: 1, setAside: 0 });
      expect(await stored(entry.eventId)).toMatchObject({
        gsi1pk: expect.stringMatching(/^PENDING#/),
        attempts: 1,
        lastError: expect.any(String),
      });
      const late = new Date(Date.parse(entry.createdAt) + outboxSendWindowMs + 1);
      expect(await sendEntries([entry], late)).toEqual({ sent: 0, retry: 0, setAside: 1 });
    } finally {
      await up(profile, () => undefined, [kafkaComponent]);
    }
    expect((await stored(entry.eventId)).setAsideReason).toMatch(/^not sent within 60 minutes/);
    // Put back by an operator once Kafka is back: sent like any entry.
    expect(await requeueEntry(entry.eventId)).toBe(true);
    await eventually('the requeued entry sent', async () =>
      (await sendEntries([await stored(entry.eventId)])).sent === 1 ? true : undefined,
    );
    expect((await stored(entry.eventId)).sentAt).toEqual(expect.any(String));
  }, 120_000);
});

describe('a record Kafka refuses', () => {
  const topic = 'peakcart.catalog-events';
  const admin = testKafka.admin();
  /** The topic's own settings (AlterConfigs replaces them all), with `extra` on top. */
  let own: { name: string; value: string }[] = [];
  const configure = (extra: { name: string; value: string }[]) =>
    admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...own, ...extra] }],
    });

  beforeAll(async () => {
    await admin.connect();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    own = (resources[0]?.configEntries ?? [])
      .filter(
        (entry) =>
          entry.configSource === ConfigSource.TOPIC_CONFIG && entry.configName !== 'max.message.bytes',
      )
      .map((entry) => ({ name: entry.configName, value: entry.configValue }));
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('is set aside alone: the other records of its batch are sent', async () => {
    const groupId = `g${uniqueToken()}`;
    const small = `o${uniqueToken()}`;
    const large = `o${uniqueToken()}`;
    await upsertOffer('seller-size', small, offerInput({ groupId }));
    await upsertOffer(
      'seller-size',
      large,
      offerInput({
        groupId,
        title: 'x'.repeat(200),
        keywords: Array.from({ length: 20 }, (_, index) => `${index}${'k'.repeat(48)}`),
        url: `https://seller.example/${'u'.repeat(1_900)}`,
      }),
    );
    // Same key, same partition: one batch, which the broker refuses as a whole.
    const entries = [small, large].map((offerId) => offerSnapshotEntry(offerId, randomUUID(), new Date()));
    await write(entries);
    await configure([{ name: 'max.message.bytes', value: '2500' }]);
    try {
      expect(await sendEntries(entries)).toEqual({ sent: 1, retry: 0, setAside: 1 });
    } finally {
      await configure([]);
    }
    expect((await stored(entries[0]?.eventId as string)).sentAt).toEqual(expect.any(String));
    expect((await stored(entries[1]?.eventId as string)).setAsideReason).toMatch(
      /^Kafka refused the record: /,
    );
  });
});

describe('stock given back past what a seller may enter', () => {
  it('is announced on the catalog topic', async () => {
    const offerId = `o${uniqueToken()}`;
    const groupId = `g${uniqueToken()}`;
    const input = offerInput({ groupId, stock: 10_000_000 });
    await upsertOffer('seller-stock', offerId, input);
    const order = testOrder(
      [{ offerId, groupId, sellerId: 'seller-stock', quantity: 2, unitPrice: input.price }],
      { status: 'paid' },
    );
    await placeOrder(order, []);
    // The seller lists the maximum again while two units are out with the order…
    await upsertOffer('seller-stock', offerId, input, {
      expectedVersion: (await findOffer(offerId))?.version,
    });
    // …and the order is cancelled: its two units come back on top.
    const snapshot = offerSnapshotEntry(offerId, randomUUID(), new Date());
    await changeOrder({ ...order, status: 'cancelled', version: 2 }, ['paid'], [snapshot], order.items);
    expect((await findOffer(offerId))?.stock).toBe(10_000_002);

    expect(await sendEntries([snapshot])).toEqual({ sent: 1, retry: 0, setAside: 0 });
  });
});

describe('analytics and the send window', () => {
  const hourMs = 3_600_000;
  const baseMs = Date.parse('2002-01-01T00:00:00Z') + Math.floor(Math.random() * 700_000) * hourMs;
  const context = {
    functionName: 'analytics-test',
    getRemainingTimeInMillis: () => 60_000,
  } as unknown as Context;

  it('an event the outbox sends again late in its window counts once, also in a new container', async () => {
    const topic = `it.outbox.${randomUUID()}`;
    const sellerId = `seller-${uniqueToken()}`;
    const events = Array.from({ length: 3 }, (_, index) =>
      orderEvent(
        'OrderPaid',
        {
          orderId: randomUUID(),
          memberId: randomUUID(),
          items: [
            {
              offerId: randomUUID(),
              groupId: 'group',
              sellerId,
              title: 'Kettle',
              category: 'home',
              quantity: 1,
              unitPrice: 10_000,
              unitCost: 5_000,
              unitDiscount: 0,
              promotionId: null,
            },
          ],
          shipping: 0,
          buyer: { ageBand: '30s', gender: 'female', region: 'seoul' },
        },
        2,
        baseMs + index * 1_000,
      ),
    );
    // This test's own topic, read as the order topic.
    const salesConsumer = () => reportConsumer(salesReport, { topicKeyOf: () => 'orderEvents' });
    const consumer = salesConsumer();
    const deliver = async (target: typeof consumer, offset: number, batch: DomainEvent[]) =>
      expect(
        await target(
          kafkaEvent(
            topic,
            batch.map((event, index) => ({ offset: offset + index, event })),
          ) as never,
          context,
        ),
      ).toEqual({ batchItemFailures: [] });
    await deliver(consumer, 0, events.slice(0, 2));
    // The relay sends them again (their send was not recorded) just before the window closes.
    const realNow = Date.now;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + outboxSendWindowMs - 60_000);
    await deliver(consumer, 2, events.slice(2));
    await deliver(consumer, 3, events.slice(0, 1));
    await deliver(salesConsumer(), 4, events.slice(1, 2));
    const bucket = bucketOf('hour', baseMs);
    const items = await counterItems(
      salesReport.name,
      'hour',
      'seller',
      salesReport.dimensions.seller?.shards ?? 1,
      bucket,
      bucket,
    );
    const totals = Object.fromEntries(
      seriesOf(salesReport, 'hour', [bucket], items, 100).map((s) => [s.key, s.totals]),
    );
    expect(totals[sellerId]).toMatchObject({ orders: 3, units: 3 });
  });
});
