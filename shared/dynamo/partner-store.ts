/**
 * Partners of the external price-comparison API, in the partners table under the SHA-256 of their
 * API key (pk `KEY#<hash>`, sk `PARTNER`): the key itself is shown once, when it is created, and
 * never stored.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { QuotaPolicy } from '../domain/quota';
import { dynamoClient, tableName } from './client';

export interface Partner {
  partnerId: string;
  name: string;
  quota: QuotaPolicy;
  createdAt: string;
}

const keyOf = (apiKey: string) => ({
  pk: `KEY#${createHash('sha256').update(apiKey).digest('hex')}`,
  sk: 'PARTNER',
});

/** Registers a partner and returns it with its new API key. */
export async function createPartner(
  name: string,
  quota: QuotaPolicy,
): Promise<{ partner: Partner; apiKey: string }> {
  const apiKey = `pcp_${randomBytes(24).toString('base64url')}`;
  const partner: Partner = { partnerId: randomUUID(), name, quota, createdAt: new Date().toISOString() };
  await dynamoClient().send(
    new PutCommand({
      TableName: tableName('partners'),
      Item: { ...keyOf(apiKey), ...partner },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { partner, apiKey };
}

/** The partner an API key belongs to, or undefined. */
export async function findPartnerByApiKey(apiKey: string): Promise<Partner | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('partners'), Key: keyOf(apiKey) }),
  );
  if (!Item) return undefined;
  return { partnerId: Item.partnerId, name: Item.name, quota: Item.quota, createdAt: Item.createdAt };
}
