/**
 * The functions that charge load their payment provider with their code: on a stage that is not
 * local the sandbox stops them at cold start, before any order, and the local stages get it.
 */
const saved = { STAGE: process.env.STAGE, PAYMENT_PROVIDER: process.env.PAYMENT_PROVIDER };

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Loads checkout's module afresh, as a new container does. */
function coldStart(environment: Record<string, string>): unknown {
  Object.assign(process.env, environment);
  let loaded: unknown;
  jest.isolateModules(() => {
    loaded = require('../../../shared/orders/checkout');
  });
  return loaded;
}

describe('the configured payment provider', () => {
  it('stops checkout from loading on a deployed stage configured with the sandbox', () => {
    expect(() => coldStart({ STAGE: 'prod', PAYMENT_PROVIDER: 'sandbox' })).toThrow(
      /PAYMENT_PROVIDER=sandbox is a test mode that moves no money, refused on stage prod/,
    );
  });

  it('stops checkout from loading on a deployed stage that names no provider', () => {
    expect(() => coldStart({ STAGE: 'prod', PAYMENT_PROVIDER: '' })).toThrow(/PAYMENT_PROVIDER is not set/);
  });

  it('gives the local stages the sandbox', () => {
    expect(coldStart({ STAGE: 'test', PAYMENT_PROVIDER: 'sandbox' })).toHaveProperty('checkout');
    let configured: { payments: unknown } | undefined;
    let sandbox: unknown;
    jest.isolateModules(() => {
      configured = require('../../../shared/payments/configured');
      sandbox = require('../../../shared/payments/sandbox').sandbox;
    });
    expect(configured?.payments).toBe(sandbox);
  });
});
