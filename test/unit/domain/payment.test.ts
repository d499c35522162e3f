/** Which payment provider a stage may charge through: the sandbox on the local stages only. */
import { choosePaymentProvider, PaymentConfigurationError } from '../../../shared/domain/payment';

const localStages = ['dev', 'test', 'cluster'];
const providers = { sandbox: { testMode: true }, gateway: { testMode: false } };
const choose = (setting: string | undefined, stage: string) =>
  choosePaymentProvider(setting, stage, localStages, providers);

describe('choosing the payment provider', () => {
  it.each(localStages)('lets local stage %s use the sandbox', (stage) => {
    expect(choose('sandbox', stage)).toBe('sandbox');
  });

  it.each(['prod', 'staging', 'Dev', 'dev2'])(
    'refuses the sandbox on stage %s, which is not local',
    (stage) => {
      expect(() => choose('sandbox', stage)).toThrow(PaymentConfigurationError);
      expect(() => choose('sandbox', stage)).toThrow(
        /test mode.*stage .*only the local stages \(dev, test, cluster\)/,
      );
    },
  );

  it('lets any stage use a provider that moves money', () => {
    expect(choose('gateway', 'prod')).toBe('gateway');
    expect(choose('gateway', 'dev')).toBe('gateway');
  });

  it.each([undefined, ''])('names the setting when it is missing (%p)', (setting) => {
    expect(() => choose(setting, 'prod')).toThrow(
      /PAYMENT_PROVIDER is not set on stage prod \(this stage may use: gateway\)/,
    );
  });

  it('refuses a provider it does not know, naming the ones the stage may use', () => {
    expect(() => choose('stripe', 'dev')).toThrow(
      /PAYMENT_PROVIDER=stripe is no payment provider \(this stage may use: sandbox, gateway\)/,
    );
    expect(() =>
      choosePaymentProvider('sandbox', 'prod', localStages, { sandbox: { testMode: true } }),
    ).toThrow(/this stage may use: none yet/);
  });
});
