/**
 * The payment provider of this stage, chosen from PAYMENT_PROVIDER when the module loads: every
 * function that loads checkout or the order lifecycle (they charge, void and refund; shipments and
 * return requests share the module) refuses to start (its cold start fails, naming the setting)
 * rather than fail at its first order. The sandbox is the only adapter so far, and local stages
 * only (shared/domain/payment.ts); a deployed stage needs an adapter of its gateway added here.
 */

import profiles from '../../stack/profiles.json';
import { requireEnv } from '../config/env';
import { choosePaymentProvider } from '../domain/payment';
import type { PaymentProvider } from './provider';
import { sandbox } from './sandbox';

const providers = {
  sandbox: { testMode: true, adapter: sandbox },
} satisfies Record<string, { testMode: boolean; adapter: PaymentProvider }>;

/** The stages of the local stacks: only they may use a test-mode gateway. */
const localStages = Object.values(profiles).map((profile) => profile.stage);

/** This stage's payment provider. */
export const payments: PaymentProvider =
  providers[choosePaymentProvider(process.env.PAYMENT_PROVIDER, requireEnv('STAGE'), localStages, providers)]
    .adapter;
