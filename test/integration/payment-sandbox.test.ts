/**
 * The sandbox gateway's late-arrival card against the test stack's DynamoDB: the authorization
 * reaches the gateway after the caller timed out, and while the caller still waits (it voids the
 * payment), so it is refused and nothing of it runs after the caller is done.
 */
import { randomUUID } from 'node:crypto';
import { closeDynamo } from '../../shared/dynamo/client';
import { PaymentTimeoutError } from '../../shared/payments/provider';
import { sandbox, sandboxCards } from '../../shared/payments/sandbox';

afterAll(() => {
  closeDynamo();
});

const card = (number: string) => ({ number, expiryMonth: 12, expiryYear: new Date().getUTCFullYear() + 2 });
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('a payment whose request reaches the gateway too late', () => {
  it('times out, is voided, and has arrived and been refused by the time the void answers', async () => {
    const paymentId = randomUUID();
    const before = timers();
    await expect(sandbox.authorize(paymentId, 10_000, card(sandboxCards.lateArrival))).rejects.toBeInstanceOf(
      PaymentTimeoutError,
    );
    expect(await sandbox.find(paymentId)).toBeUndefined();
    expect(await sandbox.void(paymentId)).toBe('voided');
    expect(timers()).toBeLessThanOrEqual(before);
    expect(await sandbox.find(paymentId)).toMatchObject({ state: 'voided', amount: 0 });
  });
});
