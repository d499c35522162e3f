/**
 * The payment provider of this stage, chosen from PAYMENT_PROVIDER when the module loads: a
 * function that charges or refunds refuses to start (its cold start fails, naming the setting)
 * rather than fail at its first order. The sandbox is the only adapter so far, and local stages
 * only (shared/domain/payment.ts); a deployed stage needs an adapter of its gateway added here.
 */
import { requireEnv } from '../config/env';
import { choosePaymentProvider } from '../domain/payment';
import { localStages } from '../infra';
import type { PaymentProvider } from './provider';
import { sandbox } from './sandbox';

const providers = {
  sandbox: { testMode: true, adapter: sandbox },
} satisfies Record<string, { testMode: boolean; adapter: PaymentProvider }>;

/** This stage's payment provider. */
export const payments: PaymentProvider =
  providers[choosePaymentProvider(process.env.PAYMENT_PROVIDER, requireEnv('STAGE'), localStages, providers)]
    .adapter;
