/**
 * API keys of the partner API on the test stack: a key the container does not know costs a
 * DynamoDB read, so one address can look up only a few per second, and unknown keys are
 * remembered apart from the partners, so guessing can neither cost a read per request nor push a
 * partner's key out of the container's memory.
 */
import { randomUUID } from 'node:crypto';
import { closeDynamo } from '../../shared/dynamo/client';
import { createPartner } from '../../shared/dynamo/partner-store';
import { closeRedis } from '../../shared/redis/client';
import { admitPartner, keyLookupsPerAddress, PartnerKeys } from '../../shared/search/partners';

afterAll(async () => {
  await closeRedis();
  closeDynamo();
});

const address = () => `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 'admitted',
    (error: { code?: string }) => error.code ?? String(error),
  );

describe('partner API keys', () => {
  it('limits look-ups of unknown keys per address, and answers a key known unknown without one', async () => {
    const guesser = address();
    const guesses = Array.from({ length: keyLookupsPerAddress.burst + 2 }, () => `pcp_${randomUUID()}`);
    const answers = [];
    for (const key of guesses) answers.push(await refusal(admitPartner(key, guesser)));
    expect(answers.slice(0, keyLookupsPerAddress.burst)).toEqual(
      Array(keyLookupsPerAddress.burst).fill('invalid_api_key'),
    );
    expect(answers.slice(keyLookupsPerAddress.burst)).toEqual(['too_many_requests', 'too_many_requests']);
    // A key already found unknown costs no look-up; another address has its own allowance.
    expect(await refusal(admitPartner(guesses[0] as string, guesser))).toBe('invalid_api_key');
    expect(await refusal(admitPartner(`pcp_${randomUUID()}`, address()))).toBe('invalid_api_key');
    // A real partner's first call from the guessing address is refused too, then served once known.
    const { apiKey } = await createPartner(`partner ${randomUUID()}`, { perSecond: 10, burst: 10 });
    expect(await refusal(admitPartner(apiKey, address()))).toBe('admitted');
    expect(await refusal(admitPartner(apiKey, guesser))).toBe('admitted');
  });

  it('keeps partners remembered however many unknown keys come after them', () => {
    const remembered = new PartnerKeys(10, 3);
    const partner = { partnerId: 'p-1', name: 'Shop', quota: { perSecond: 1, burst: 1 }, createdAt: '' };
    remembered.remember('pcp_real', partner, 0);
    for (let n = 0; n < 100; n += 1) remembered.remember(`pcp_guess-${n}`, undefined, 0);
    expect(remembered.get('pcp_real', 1)).toEqual(partner);
    expect(remembered.get('pcp_guess-99', 1)).toBeNull();
    expect(remembered.get('pcp_guess-0', 1)).toBeUndefined();
    expect(remembered.get('pcp_real', 60_001)).toBeUndefined();
  });
});
