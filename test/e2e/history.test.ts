/**
 * Members' history as they meet it, through the local Lambda runtime on the real test stack: events
 * filed by the Kafka-triggered history-record function, listed by kind and time range and paged,
 * never another member's, deleted by kind or whole, and anonymised when the member withdraws.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { historyEntryFor } from '../../shared/domain/history';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { domainEvent } from '../../shared/events/envelope';
import { closeKafka } from '../../shared/kafka/client';
import { publishEvents } from '../../shared/kafka/events';
import { sandboxCards } from '../../shared/payments/sandbox';
import { closeRedis } from '../../shared/redis/client';
import { accessTokenFor } from '../support/auth';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;

beforeAll(async () => {
  api = await startOffline();
}, 120_000);

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  body: any;
}

interface Entry {
  eventId: string;
  type: string;
  eventType: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const email = () => `history-${randomUUID()}@example.com`;
const password = 'history-passphrase-9';

/** Signs up (MemberSignedUp) and logs in (MemberLoggedIn) a new account. */
async function account(accountType: 'member' | 'seller' = 'member') {
  const address = email();
  const created = await call('POST', '/members', undefined, {
    email: address,
    password,
    name: '박서준',
    birthYear: 1991,
    gender: 'male',
    region: 'seoul',
    accountType,
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/auth/login', undefined, { email: address, password });
  expect(login.status).toBe(200);
  return {
    memberId: created.body.memberId as string,
    email: address,
    token: login.body.accessToken as string,
  };
}

const search = async (token: string, keyword: string) =>
  expect((await call('GET', `/search?q=${encodeURIComponent(keyword)}`, token)).status).toBe(200);

const list = (token: string, query = '') => call('GET', `/history${query ? `?${query}` : ''}`, token);

/** Every entry of the list, following cursors. */
async function wholeList(token: string, query = ''): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const page: Answer = await list(
      token,
      [query, cursor && `cursor=${cursor}`, 'limit=100'].filter(Boolean).join('&'),
    );
    expect(page.status).toBe(200);
    entries.push(...page.body.entries);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

/** Polls the member's history until it holds `count` entries (the Kafka trigger files them). */
const historyOf = (token: string, count: number) =>
  eventually(
    `${count} history entries`,
    async () => {
      const entries = await wholeList(token);
      return entries.length >= count ? entries : undefined;
    },
    60_000,
  );

const byNewest = (entries: Entry[]) =>
  [...entries].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.eventId.localeCompare(a.eventId));

const itemsUnder = async (pk: string) =>
  (
    await dynamoClient().send(
      new QueryCommand({
        TableName: tableName('history'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/** Items of the history table matching the filter. */
async function scanHistory(
  FilterExpression: string,
  values: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new ScanCommand({
        TableName: tableName('history'),
        FilterExpression,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Items of the history table that hold one of the events. */
async function itemsOfEvents(eventIds: string[]): Promise<Record<string, unknown>[]> {
  const values = Object.fromEntries(eventIds.map((id, index) => [`:e${index}`, id]));
  return scanHistory(`eventId IN (${Object.keys(values).join(', ')})`, values);
}

/** Anonymous entries of events that occurred at one of these instants (they keep no event id). */
async function anonymousItemsAt(occurredAts: string[]): Promise<Record<string, unknown>[]> {
  const values = Object.fromEntries(occurredAts.map((at, index) => [`:t${index}`, at]));
  return scanHistory(`begins_with(pk, :anon) AND occurredAt IN (${Object.keys(values).join(', ')})`, {
    ...values,
    ':anon': 'ANON#',
  });
}

describe("a member's history", () => {
  it('holds their sign-up, login, searches and order, newest first, without secrets', async () => {
    const seller = await account('seller');
    const member = await account();
    const keyword = `tent${uniqueToken()}`;
    const offerId = `o${uniqueToken()}`;
    const listed = await call(
      'PUT',
      `/offers/${offerId}`,
      seller.token,
      offerInput({ groupId: `g${uniqueToken()}`, keywords: [keyword], unitCost: 6_543 }),
    );
    expect(listed.status).toBe(201);
    await search(member.token, keyword);
    await search(member.token, `${keyword} pegs`);
    const placed = await fetch(`${api.baseUrl}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${member.token}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        items: [{ offerId, quantity: 1 }],
        shippingAddress: {
          recipient: '박서준',
          phone: '010-0000-0000',
          postalCode: '04524',
          line1: '서울 중구',
        },
        payment: { method: 'card', cardNumber: sandboxCards.approved, expiryMonth: 12, expiryYear: 2030 },
      }),
    });
    expect(placed.status).toBe(201);
    const { orderId } = (await placed.json()) as { orderId: string };

    // Sign-up, login, two searches, OrderPlaced and OrderPaid.
    const entries = await historyOf(member.token, 6);
    expect(entries).toEqual(byNewest(entries));
    const types = entries.map((entry) => `${entry.type}:${entry.eventType}`).sort();
    expect(types).toEqual(
      [
        'member:MemberLoggedIn',
        'member:MemberSignedUp',
        'order:OrderPaid',
        'order:OrderPlaced',
        'search:KeywordSearched',
        'search:KeywordSearched',
      ].sort(),
    );
    expect(entries.filter((entry) => entry.type === 'search').map((entry) => entry.data.keyword)).toEqual([
      `${keyword} pegs`,
      keyword,
    ]);
    const paid = entries.find((entry) => entry.eventType === 'OrderPaid');
    expect(paid?.data).toMatchObject({ orderId, memberId: member.memberId, amounts: { total: 10_000 } });
    expect(paid?.data.items).toEqual([expect.objectContaining({ offerId, quantity: 1 })]);
    const everything = JSON.stringify(entries);
    expect(everything).not.toContain('unitCost');
    expect(everything).not.toContain(member.email);
    expect(everything).not.toContain('박서준');
    expect(everything).not.toContain(password);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(['data', 'eventId', 'eventType', 'occurredAt', 'type']);
    }
  }, 120_000);

  it('filters by type and by time range, bounds included, with any offset', async () => {
    const member = await account();
    for (const word of ['lamp', 'desk', 'chair']) await search(member.token, `${word}${uniqueToken()}`);
    const entries = await historyOf(member.token, 5);

    const searches = await wholeList(member.token, 'type=search');
    expect(searches).toEqual(entries.filter((entry) => entry.type === 'search'));
    expect(searches).toHaveLength(3);
    expect(await wholeList(member.token, 'type=member')).toEqual(
      entries.filter((entry) => entry.type === 'member'),
    );
    expect(await wholeList(member.token, 'type=order')).toEqual([]);

    const middle = searches[1] as Entry;
    // The same instant written in Korean time.
    const seoul = new Date(Date.parse(middle.occurredAt) + 9 * 3_600_000)
      .toISOString()
      .replace('Z', '+09:00');
    const exact = await wholeList(
      member.token,
      `from=${encodeURIComponent(seoul)}&to=${encodeURIComponent(middle.occurredAt)}`,
    );
    expect(exact.map((entry) => entry.eventId)).toEqual([middle.eventId]);

    const since = await wholeList(member.token, `type=search&from=${middle.occurredAt}`);
    expect(since).toEqual(searches.slice(0, 2));
    const until = await wholeList(member.token, `to=${middle.occurredAt}`);
    expect(until).toEqual(entries.filter((entry) => entry.occurredAt <= middle.occurredAt));
    expect(await wholeList(member.token, 'from=2001-01-01T00:00:00Z&to=2001-12-31T23:59:59Z')).toEqual([]);
  }, 120_000);

  it('pages with a cursor: full pages while more exist, no duplicates, no gaps, for every filter', async () => {
    const member = await account();
    for (let count = 0; count < 23; count += 1) await search(member.token, `page${count}x${uniqueToken()}`);
    const entries = await historyOf(member.token, 25);
    expect(entries).toHaveLength(25);

    async function pages(query: string, limit: number): Promise<Entry[][]> {
      const found: Entry[][] = [];
      let cursor: string | null = null;
      do {
        const page: Answer = await list(
          member.token,
          [query, `limit=${limit}`, cursor && `cursor=${cursor}`].filter(Boolean).join('&'),
        );
        expect(page.status).toBe(200);
        found.push(page.body.entries);
        cursor = page.body.nextCursor;
      } while (cursor);
      return found;
    }

    const all = await pages('', 10);
    expect(all.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(all.flat()).toEqual(entries);

    // Searches are most of the list: the by-kind index keeps every page full.
    const searches = await pages('type=search', 7);
    expect(searches.map((page) => page.length)).toEqual([7, 7, 7, 2]);
    expect(searches.flat()).toEqual(entries.filter((entry) => entry.type === 'search'));
    expect(new Set(searches.flat().map((entry) => entry.eventId)).size).toBe(23);

    const members = await pages('type=member', 1);
    expect(members.map((page) => page.length)).toEqual([1, 1]);
    expect(members.flat()).toEqual(entries.filter((entry) => entry.type === 'member'));

    const first = await list(member.token, 'type=search&limit=7');
    const wrongFilter = await list(member.token, `type=member&cursor=${first.body.nextCursor}`);
    expect(wrongFilter).toMatchObject({ status: 422, body: { error: { code: 'invalid_cursor' } } });
    expect((await list(member.token, `cursor=${first.body.nextCursor}`)).status).toBe(422);
  }, 120_000);

  it("is the caller's own: another member's cursor is refused and there is no way to name them", async () => {
    const [a, b] = await Promise.all([account(), account()]);
    await historyOf(b.token, 2);
    const bPage = await list(b.token, 'limit=1');
    expect(bPage.body.nextCursor).toEqual(expect.any(String));
    const aList = await historyOf(a.token, 2);
    expect(aList.some((entry) => entry.data.memberId === b.memberId)).toBe(false);

    expect(await list(a.token, `limit=1&cursor=${bPage.body.nextCursor}`)).toMatchObject({
      status: 422,
      body: { error: { code: 'invalid_cursor' } },
    });
    const bTyped = await list(b.token, 'type=member&limit=1');
    expect((await list(a.token, `type=member&cursor=${bTyped.body.nextCursor}`)).status).toBe(422);
    for (const query of [`memberId=${b.memberId}`, `member=${b.memberId}`]) {
      expect(await list(a.token, query)).toMatchObject({
        status: 400,
        body: { error: { code: 'validation_failed' } },
      });
    }
    expect((await call('DELETE', `/history?memberId=${b.memberId}`, a.token)).status).toBe(400);
    expect(await wholeList(b.token)).toHaveLength(2);
  }, 120_000);
});

describe('deleting history', () => {
  it('deletes one kind, then everything, and says how many', async () => {
    const member = await account();
    await search(member.token, `sofa${uniqueToken()}`);
    await search(member.token, `rug${uniqueToken()}`);
    await historyOf(member.token, 4);

    expect(await call('DELETE', '/history?type=search', member.token)).toEqual({
      status: 200,
      body: { deleted: 2, complete: true },
    });
    expect(await wholeList(member.token, 'type=search')).toEqual([]);
    const left = await wholeList(member.token);
    expect(left.map((entry) => entry.type)).toEqual(['member', 'member']);

    expect((await call('DELETE', '/history', member.token)).body).toEqual({ deleted: 2, complete: true });
    expect(await wholeList(member.token)).toEqual([]);
    expect(await itemsUnder(`MEMBER#${member.memberId}`)).toEqual([]);
    expect((await call('DELETE', '/history', member.token)).body).toEqual({ deleted: 0, complete: true });
  }, 120_000);

  it('deletes 2,000 entries well within the function timeout', async () => {
    const memberId = `m-${randomUUID()}`;
    const token = await accessTokenFor({ memberId, roles: ['member'] });
    const start = Date.now() - 2_000 * 60_000;
    const entries = Array.from({ length: 2_000 }, (_, index) =>
      historyEntryFor(
        {
          id: randomUUID(),
          type: index % 2 ? 'KeywordSearched' : 'OrderPaid',
          time: new Date(start + index * 60_000).toISOString(),
          data: { memberId, keyword: `k${index}`, orderId: `o${index}` },
        },
        index % 2 ? 'search' : 'order',
      ),
    );
    const batches = [];
    for (let index = 0; index < entries.length; index += 25) {
      batches.push(entries.slice(index, index + 25).map((Item) => ({ PutRequest: { Item } })));
    }
    for (let index = 0; index < batches.length; index += 8) {
      await Promise.all(
        batches
          .slice(index, index + 8)
          .map((requests) =>
            dynamoClient().send(
              new BatchWriteCommand({ RequestItems: { [tableName('history')]: requests } }),
            ),
          ),
      );
    }
    expect((await list(token, 'type=order&limit=1')).body.nextCursor).toEqual(expect.any(String));

    const began = performance.now();
    const answer = await call('DELETE', '/history', token);
    const seconds = (performance.now() - began) / 1_000;
    expect(answer).toEqual({ status: 200, body: { deleted: 2_000, complete: true } });
    // history-delete's timeout is 29 s; it stops starting new pages 5 s before it.
    expect(seconds).toBeLessThan(10);
    process.stdout.write(`DELETE /history of 2,000 entries: ${seconds.toFixed(2)} s\n`);
    expect(await itemsUnder(`MEMBER#${memberId}`)).toEqual([]);
    expect((await list(token, 'type=search')).body).toEqual({ entries: [], nextCursor: null });
  }, 120_000);
});

describe('withdrawal', () => {
  it("moves the member's history to an anonymous subject, and files later events anonymously, once", async () => {
    const member = await account();
    await search(member.token, `bike${uniqueToken()}`);
    await search(member.token, `helmet${uniqueToken()}`);
    const before = await historyOf(member.token, 4);
    const eventIds = before.map((entry) => entry.eventId);

    expect((await call('DELETE', '/members/me', member.token)).status).toBe(204);
    await eventually(
      'the history anonymised',
      async () => {
        const { Item: withdrawal } = await dynamoClient().send(
          new GetCommand({
            TableName: tableName('history'),
            Key: { pk: `WITHDRAWN#${member.memberId}`, sk: 'WITHDRAWN' },
          }),
        );
        return withdrawal && (await itemsUnder(`MEMBER#${member.memberId}`)).length === 0;
      },
      60_000,
    );
    // The access token outlives the account briefly; it finds nothing.
    expect((await list(member.token)).body).toEqual({ entries: [], nextCursor: null });

    // Nothing holds the events' ids any more: the event (which names the member) cannot be looked up.
    expect(await itemsOfEvents(eventIds)).toEqual([]);
    const moved = await anonymousItemsAt(before.map((entry) => entry.occurredAt));
    expect(moved).toHaveLength(4);
    const subjects = new Set(moved.map((item) => item.pk));
    expect(subjects.size).toBe(1);
    const [subject] = [...subjects] as string[];
    expect(subject).toMatch(/^ANON#[0-9a-f-]{36}$/);
    expect(subject).not.toContain(member.memberId);
    expect(JSON.stringify(moved)).not.toContain(member.memberId);
    for (const item of moved) {
      expect(item).not.toHaveProperty('gsi1pk');
      expect(item.data).not.toHaveProperty('memberId');
    }
    expect(moved.map((item) => item.eventType).sort()).toEqual(before.map((entry) => entry.eventType).sort());

    // An order event of the member that arrives after the withdrawal, delivered twice.
    const orderId = `order-${uniqueToken()}`;
    const line = {
      offerId: `o${uniqueToken()}`,
      groupId: `g${uniqueToken()}`,
      sellerId: `s${uniqueToken()}`,
      title: 'Tent',
      category: 'camping',
      quantity: 1,
      unitPrice: 10_000,
      unitDiscount: 0,
      promotionId: null,
    };
    const orderData = {
      orderId,
      status: 'delivered',
      version: 4,
      items: [{ ...line, unitCost: 7_000 }],
      amounts: { items: 10_000, discount: 0, shipping: 0, total: 10_000 },
      buyer: { ageBand: '30s', gender: 'male', region: 'seoul', amountBand: '10k-50k' },
    };
    const late = domainEvent({
      type: 'OrderDelivered',
      source: 'checkout',
      key: orderId,
      data: { ...orderData, memberId: member.memberId },
    });
    await publishEvents('orderEvents', [late, late]);
    const lateAt = new Date(late.time).toISOString();
    const filed = await eventually(
      'the late event, filed anonymously',
      async () => {
        const items = await anonymousItemsAt([lateAt]);
        return items.length > 0 ? items : undefined;
      },
      60_000,
    );
    // A marker published after both copies on the same partition: once it is filed, both were handled.
    const marker = domainEvent({ type: 'OrderDelivered', source: 'checkout', key: orderId, data: late.data });
    await publishEvents('orderEvents', [marker]);
    await eventually('the marker', async () =>
      (await anonymousItemsAt([new Date(marker.time).toISOString()])).length ? true : undefined,
    );
    expect(await anonymousItemsAt([lateAt])).toEqual(filed);
    expect(filed).toHaveLength(1);
    expect(filed[0]?.pk).toMatch(/^ANON#/);
    expect(filed[0]?.pk).not.toBe(subject);
    expect(filed[0]?.eventId).not.toBe(late.id);
    const { orderId: _orderId, ...kept } = orderData;
    expect(filed[0]?.data).toEqual({ ...kept, items: [line] });
    expect(JSON.stringify(filed)).not.toContain(orderId);
    expect(await itemsUnder(`MEMBER#${member.memberId}`)).toEqual([]);
  }, 180_000);
});

describe('bad requests', () => {
  let token: string;
  beforeAll(async () => {
    token = await accessTokenFor({ roles: ['member'] });
  });

  it.each([
    ['type=purchases', 400, 'validation_failed'],
    ['from=yesterday', 400, 'validation_failed'],
    ['from=2026-01-01', 400, 'validation_failed'],
    ['to=2026-01-01T10:00:00', 400, 'validation_failed'],
    // Each is a valid instant: the order of the two is a rule the document states in words.
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 422, 'rule_violated'],
    ['limit=0', 400, 'validation_failed'],
    ['limit=1000', 400, 'validation_failed'],
    ['limit=ten', 400, 'validation_failed'],
    ['cursor=garbage', 422, 'invalid_cursor'],
    [`cursor=${Buffer.from('{"pk":"MEMBER#x","sk":"y"}').toString('base64url')}`, 422, 'invalid_cursor'],
  ])('GET /history?%s is %d %s', async (query, status, code) => {
    expect(await list(token, query)).toMatchObject({ status, body: { error: { code } } });
  });

  it('DELETE /history with an unknown type is 400', async () => {
    expect(await call('DELETE', '/history?type=everything', token)).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed' } },
    });
  });

  it('refuses callers without a valid access token', async () => {
    for (const method of ['GET', 'DELETE']) {
      expect(await call(method, '/history')).toMatchObject({
        status: 401,
        body: { error: { code: 'unauthorized' } },
      });
      expect((await call(method, '/history', 'not-a-token')).status).toBe(401);
    }
  });
});
