/**
 * The members table. Items:
 * - profile       pk `MEMBER#<memberId>`, sk `PROFILE`: the profile, the password hash, status
 * - email claim   pk `EMAIL#<normalized email>`, sk `EMAIL`: which member holds the address
 * - token family  pk `MEMBER#<memberId>`, sk `FAMILY#<familyId>`: one login's chain of refresh tokens
 * - refresh token pk `REFRESH#<sha-256 of the token>`, sk `REFRESH`: never the token itself
 * A profile and its email claim are written in one transaction, so an address is held by one
 * member at most, and released in the same transaction that erases a withdrawn member.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Member, Role } from '../domain/member';
import { type OutboxEntry, outboxPut } from '../outbox/entries';
import { dynamoClient, tableName } from './client';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface StoredMember extends Member {
  passwordHash: string;
}

/** What stays of a withdrawn member: the id (orders and history refer to it) and when. */
export interface WithdrawnMember {
  memberId: string;
  status: 'withdrawn';
  withdrawnAt: string;
  version: number;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  memberId: string;
  familyId: string;
  state: 'active' | 'rotated';
  createdAt: string;
  /** Epoch seconds; DynamoDB's TTL removes the item after it and no read accepts it after it. */
  expiresAt: number;
}

export class EmailTakenError extends Error {
  constructor() {
    super('The email address belongs to another account');
    this.name = 'EmailTakenError';
  }
}

export class ConcurrentMemberUpdateError extends Error {
  constructor(memberId: string) {
    super(`Member ${memberId} was changed by another request`);
    this.name = 'ConcurrentMemberUpdateError';
  }
}

/** The refresh token was already rotated (or is being rotated by a concurrent request). */
export class RefreshTokenReusedError extends Error {
  constructor() {
    super('The refresh token was already used');
    this.name = 'RefreshTokenReusedError';
  }
}

export class RefreshFamilyRevokedError extends Error {
  constructor() {
    super('The login this refresh token belongs to has ended');
    this.name = 'RefreshFamilyRevokedError';
  }
}

const profileKey = (memberId: string) => ({ pk: `MEMBER#${memberId}`, sk: 'PROFILE' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });
const familyKey = (memberId: string, familyId: string) => ({
  pk: `MEMBER#${memberId}`,
  sk: `FAMILY#${familyId}`,
});
const refreshKey = (tokenHash: string) => ({ pk: `REFRESH#${tokenHash}`, sk: 'REFRESH' });

const table = () => tableName('members');

function failedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  );
}

function memberFromItem(item: Record<string, unknown>): StoredMember | WithdrawnMember {
  if (item.status === 'withdrawn') {
    const { memberId, withdrawnAt, version } = item as unknown as WithdrawnMember;
    return { memberId, status: 'withdrawn', withdrawnAt, version };
  }
  const { pk: _pk, sk: _sk, status: _status, ...member } = item;
  return member as unknown as StoredMember;
}

export function isWithdrawn(member: StoredMember | WithdrawnMember): member is WithdrawnMember {
  return 'status' in member && member.status === 'withdrawn';
}

/** Stores a new member and claims their email address; EmailTakenError if someone holds it. */
export async function createMember(member: StoredMember): Promise<void> {
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...emailKey(member.email), memberId: member.memberId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...profileKey(member.memberId), ...member, status: 'active' },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (failedAt(error, 0)) throw new EmailTakenError();
    throw error;
  }
}

export async function findMember(memberId: string): Promise<StoredMember | WithdrawnMember | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: profileKey(memberId), ConsistentRead: true }),
  );
  return Item ? memberFromItem(Item) : undefined;
}

/** The active member holding the (normalized) email address. */
export async function findMemberByEmail(email: string): Promise<StoredMember | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: emailKey(email), ConsistentRead: true }),
  );
  if (typeof Item?.memberId !== 'string') return undefined;
  const member = await findMember(Item.memberId);
  return member && !isWithdrawn(member) ? member : undefined;
}

/** Replaces the profile, provided it is still at `previousVersion` and active. */
export async function saveMember(next: StoredMember, previousVersion: number): Promise<void> {
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...profileKey(next.memberId), ...next, status: 'active' },
        ConditionExpression: '#version = :version AND #status = :active',
        ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
        ExpressionAttributeValues: { ':version': previousVersion, ':active': 'active' },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      throw new ConcurrentMemberUpdateError(next.memberId);
    }
    throw error;
  }
}

/**
 * Erases the member's personal data, keeping only the id and the time of withdrawal, and releases
 * the email address, in one transaction with the outbox entries that announce it and whatever
 * other writes must happen with it (`also`).
 */
export async function eraseMember(
  member: StoredMember,
  withdrawnAt: string,
  outbox: readonly OutboxEntry[] = [],
  also: readonly TransactItem[] = [],
): Promise<WithdrawnMember> {
  const erased: WithdrawnMember = {
    memberId: member.memberId,
    status: 'withdrawn',
    withdrawnAt,
    version: member.version + 1,
  };
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...profileKey(member.memberId), ...erased },
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': member.version },
            },
          },
          {
            Delete: {
              TableName: table(),
              Key: emailKey(member.email),
              ConditionExpression: 'memberId = :memberId',
              ExpressionAttributeValues: { ':memberId': member.memberId },
            },
          },
          ...outbox.map(outboxPut),
          ...also,
        ],
      }),
    );
  } catch (error) {
    if (failedAt(error, 0)) throw new ConcurrentMemberUpdateError(member.memberId);
    throw error;
  }
  return erased;
}

/** Starts a token family (one login) with its first refresh token. */
export async function startTokenFamily(first: RefreshTokenRecord): Promise<void> {
  const { tokenHash, ...token } = first;
  await dynamoClient().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table(),
            Item: {
              ...familyKey(first.memberId, first.familyId),
              familyId: first.familyId,
              memberId: first.memberId,
              revoked: false,
              createdAt: first.createdAt,
              expiresAt: first.expiresAt,
            },
          },
        },
        {
          Put: {
            TableName: table(),
            Item: { ...refreshKey(tokenHash), ...token },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
}

export async function findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: refreshKey(tokenHash), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...token } = Item;
  return { ...(token as Omit<RefreshTokenRecord, 'tokenHash'>), tokenHash };
}

/**
 * Marks `used` as rotated and stores `next` in its family, provided `used` was still active and
 * the family not revoked: of two requests presenting the same token, only one gets a new one.
 */
export async function rotateRefreshToken(used: RefreshTokenRecord, next: RefreshTokenRecord): Promise<void> {
  const { tokenHash, ...token } = next;
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: refreshKey(used.tokenHash),
              UpdateExpression: 'SET #state = :rotated',
              ConditionExpression: '#state = :active',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':rotated': 'rotated', ':active': 'active' },
            },
          },
          {
            ConditionCheck: {
              TableName: table(),
              Key: familyKey(used.memberId, used.familyId),
              ConditionExpression: 'revoked = :no',
              ExpressionAttributeValues: { ':no': false },
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...refreshKey(tokenHash), ...token },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (failedAt(error, 0)) throw new RefreshTokenReusedError();
    if (failedAt(error, 1)) throw new RefreshFamilyRevokedError();
    throw error;
  }
}

/** Whether the family exists and has not been revoked. */
export async function familyIsActive(memberId: string, familyId: string): Promise<boolean> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: familyKey(memberId, familyId), ConsistentRead: true }),
  );
  return Item?.revoked === false;
}

/** Ends one login: no refresh token of the family is accepted any more. */
export async function revokeTokenFamily(memberId: string, familyId: string): Promise<void> {
  await dynamoClient()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: familyKey(memberId, familyId),
        UpdateExpression: 'SET revoked = :yes',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':yes': true },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

/** Ends every login of the member. */
export async function revokeAllTokenFamilies(memberId: string): Promise<number> {
  const pages = paginateQuery(
    { client: dynamoClient() },
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :family)',
      ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}`, ':family': 'FAMILY#' },
      ConsistentRead: true,
    },
  );
  let revoked = 0;
  for await (const page of pages) {
    const active = (page.Items ?? []).filter((item) => item.revoked === false);
    await Promise.all(active.map((item) => revokeTokenFamily(memberId, String(item.familyId))));
    revoked += active.length;
  }
  return revoked;
}

/** Grants a role to an active member (admins are made this way, never through the API). */
export async function grantRole(memberId: string, role: Role): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: profileKey(memberId),
      UpdateExpression: 'SET #roles = list_append(#roles, :role), #version = #version + :one',
      ConditionExpression: '#status = :active AND NOT contains(#roles, :name)',
      ExpressionAttributeNames: { '#roles': 'roles', '#version': 'version', '#status': 'status' },
      ExpressionAttributeValues: { ':role': [role], ':name': role, ':one': 1, ':active': 'active' },
    }),
  );
}
