/**
 * The history table against DynamoDB Local: a withdrawal racing the member's late events and
 * redeliveries leaves nothing under the member and every event filed exactly once, anonymously.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type HistoryEntry, type HistoryKind, historyEntryFor } from '../../shared/domain/history';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { anonymiseMember, deleteEntries, fileEntry } from '../../shared/dynamo/history-store';

afterAll(() => closeDynamo());

const kinds: HistoryKind[] = ['member', 'search', 'order'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function entriesOf(memberId: string, count: number): HistoryEntry[] {
  const start = Date.now() - count * 1_000;
  return Array.from({ length: count }, (_, index) => {
    const entry = historyEntryFor(
      {
        id: randomUUID(),
        type: 'SomethingHappened',
        time: new Date(start + index * 1_000).toISOString(),
        // A token of the test's own: an anonymised entry keeps neither the member nor the event id.
        data: { memberId, index, token: randomUUID() },
      },
      kinds[index % kinds.length] as HistoryKind,
    );
    if (!entry) throw new Error('no entry');
    return entry;
  });
}

const underMember = async (memberId: string) =>
  (
    await dynamoClient().send(
      new QueryCommand({
        TableName: tableName('history'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const tokenOf = (item: { data?: unknown }) => String((item.data as { token?: unknown } | undefined)?.token);

/** Every item of the table holding one of the entries, wherever it went (markers hold no data). */
async function itemsOfEntries(entries: HistoryEntry[]): Promise<Record<string, unknown>[]> {
  const wanted = new Set(entries.map(tokenOf));
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new ScanCommand({
        TableName: tableName('history'),
        FilterExpression: 'attribute_exists(#data)',
        ExpressionAttributeNames: { '#data': 'data' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []).filter((item) => wanted.has(tokenOf(item))));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('anonymising a withdrawn member', () => {
  it('files late events and redeliveries anonymously, exactly once, while the move runs', async () => {
    const members = Array.from({ length: 4 }, () => `m-${randomUUID()}`);
    const rounds = await Promise.all(
      members.map(async (memberId) => {
        const early = entriesOf(memberId, 60);
        const late = entriesOf(memberId, 30);
        for (const entry of early) expect(await fileEntry(entry, memberId)).toBe('filed');
        // Late events spread over the time the withdrawal is written and the move runs.
        const [moved, ...outcomes] = await Promise.all([
          sleep(20).then(() => anonymiseMember(memberId, new Date().toISOString())),
          ...late.map((entry, index) => sleep(index * 3).then(() => fileEntry(entry, memberId))),
          ...early.slice(0, 20).map((entry) => fileEntry(entry, memberId)),
        ]);
        return { memberId, early, late, moved: moved as number, outcomes: outcomes as string[] };
      }),
    );

    // Both sides of the race happened: late events filed under the member (then moved) and after.
    const lateOutcomes = new Set(rounds.flatMap(({ late, outcomes }) => outcomes.slice(0, late.length)));
    expect(lateOutcomes).toEqual(new Set(['filed', 'filed anonymously']));

    for (const { memberId, early, late, moved, outcomes } of rounds) {
      expect(await underMember(memberId)).toEqual([]);
      expect(outcomes.slice(late.length)).toEqual(Array(20).fill('duplicate'));
      const items = await itemsOfEntries([...early, ...late]);
      const filedBeforeWithdrawal = outcomes.slice(0, late.length).filter((outcome) => outcome === 'filed');
      // The move took the 60 early entries and the late ones that were filed before it began.
      expect(moved).toBe(early.length + filedBeforeWithdrawal.length);
      expect(items).toHaveLength(early.length + late.length);
      expect(new Set(items.map(tokenOf)).size).toBe(items.length);
      for (const item of items) {
        expect(item.pk).toMatch(/^ANON#/);
        expect(item).not.toHaveProperty('gsi1pk');
        expect(JSON.stringify(item)).not.toContain(memberId);
        expect([...early, ...late].map((entry) => entry.eventId)).not.toContain(item.eventId);
      }
      const earlySubjects = new Set(
        items
          .filter((item) => early.some((entry) => tokenOf(entry) === tokenOf(item)))
          .map((item) => item.pk),
      );
      expect(earlySubjects.size).toBe(1);

      // Redelivered after everything: still once each.
      const again = await Promise.all([...early, ...late].map((entry) => fileEntry(entry, memberId)));
      expect(new Set(again)).toEqual(new Set(['duplicate']));
      expect(await itemsOfEntries([...early, ...late])).toHaveLength(items.length);
    }
  }, 120_000);

  it('is not disturbed by the member deleting their history while it moves, and repeating it moves nothing', async () => {
    const memberId = `m-${randomUUID()}`;
    const entries = entriesOf(memberId, 120);
    for (const entry of entries) await fileEntry(entry, memberId);
    const [moved, deletion] = await Promise.all([
      anonymiseMember(memberId, new Date().toISOString()),
      deleteEntries(memberId, undefined, Date.now() + 10_000),
    ]);
    expect(moved + deletion.deleted).toBeGreaterThanOrEqual(entries.length);
    expect(await underMember(memberId)).toEqual([]);
    const items = await itemsOfEntries(entries);
    expect(items.length).toBeLessThanOrEqual(entries.length);
    expect(items.every((item) => String(item.pk).startsWith('ANON#'))).toBe(true);
    expect(await anonymiseMember(memberId, new Date().toISOString())).toBe(0);
  }, 60_000);
});
