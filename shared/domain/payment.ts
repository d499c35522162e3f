/**
 * Which payment gateway a stage charges through. Pure: the stage, its setting and the known
 * adapters are passed in. A test-mode gateway (the sandbox approves test cards and moves no money)
 * is refused on every stage that is not one of the local stacks', so a deployed stage can never
 * take orders it does not charge.
 */

/** What the choice needs to know of an adapter. */
export interface PaymentProviderTraits {
  /** A test mode that moves no money: local stages only. */
  testMode: boolean;
}

/** The payment setting does not name a provider this stage may use. */
export class PaymentConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentConfigurationError';
  }
}

/** The provider named by `setting` (PAYMENT_PROVIDER) if the stage may use it. */
export function choosePaymentProvider<Name extends string>(
  setting: string | undefined,
  stage: string,
  localStages: readonly string[],
  providers: Readonly<Record<Name, PaymentProviderTraits>>,
): Name {
  const names = Object.keys(providers) as Name[];
  const local = localStages.includes(stage);
  const allowed = names.filter((name) => local || !providers[name].testMode);
  const known = `this stage may use: ${allowed.length > 0 ? allowed.join(', ') : 'none yet'}`;
  if (setting === undefined || setting === '') {
    throw new PaymentConfigurationError(`PAYMENT_PROVIDER is not set on stage ${stage} (${known})`);
  }
  const name = names.find((candidate) => candidate === setting);
  if (name === undefined) {
    throw new PaymentConfigurationError(`PAYMENT_PROVIDER=${setting} is no payment provider (${known})`);
  }
  if (!allowed.includes(name)) {
    throw new PaymentConfigurationError(
      `PAYMENT_PROVIDER=${setting} is a test mode that moves no money, refused on stage ${stage}: only the local stages (${localStages.join(', ')}) may use it (${known})`,
    );
  }
  return name;
}
