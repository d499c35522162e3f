import {
  anonymousPolicy,
  classifyClient,
  internalPolicy,
  type PressureLevel,
  type Priority,
  policiesFrom,
  pressureLevel,
  pressureThresholds,
  shouldShed,
} from '../../../shared/domain/traffic';

describe('shedding', () => {
  it.each<[Priority, PressureLevel, boolean]>([
    ['essential', 0, false],
    ['essential', 1, false],
    ['essential', 2, false],
    ['standard', 0, false],
    ['standard', 1, false],
    ['standard', 2, true],
    ['optional', 0, false],
    ['optional', 1, true],
    ['optional', 2, true],
  ])('%s work at level %i is shed: %s', (priority, level, shed) => {
    expect(shouldShed(priority, level)).toBe(shed);
  });
});

describe('the pressure level', () => {
  const calm = { inFlight: 1, loopDelayMs: 0, essentialInFlight: 0 };

  it('is 0 when every signal is under its first threshold', () => {
    expect(pressureLevel(calm)).toBe(0);
    expect(
      pressureLevel({
        inFlight: pressureThresholds.inFlight[0] - 1,
        loopDelayMs: pressureThresholds.loopDelayMs[0] - 1,
        essentialInFlight: pressureThresholds.essentialInFlight[0] - 1,
      }),
    ).toBe(0);
  });

  it.each(Object.keys(pressureThresholds) as (keyof typeof pressureThresholds)[])(
    'rises with %s alone, to 1 then 2 at its thresholds',
    (signal) => {
      const [first, second] = pressureThresholds[signal];
      expect(pressureLevel({ ...calm, [signal]: first - 1 })).toBe(0);
      expect(pressureLevel({ ...calm, [signal]: first })).toBe(1);
      expect(pressureLevel({ ...calm, [signal]: second - 1 })).toBe(1);
      expect(pressureLevel({ ...calm, [signal]: second })).toBe(2);
    },
  );

  it('is the highest any signal reaches', () => {
    expect(
      pressureLevel({
        inFlight: pressureThresholds.inFlight[0],
        loopDelayMs: 0,
        essentialInFlight: pressureThresholds.essentialInFlight[1],
      }),
    ).toBe(2);
  });

  it('leaves the 200 concurrent orders of the end-to-end flash sale alone', () => {
    expect(pressureLevel({ inFlight: 200, loopDelayMs: 0, essentialInFlight: 200 })).toBe(0);
  });
});

describe('client classes', () => {
  it('counts a caller with a token as internal, by member id', () => {
    expect(classifyClient('m-1', '203.0.113.9')).toEqual({ clientClass: 'internal', id: 'm-1' });
  });

  it('counts anyone else as anonymous, by source IP, else as one unknown address', () => {
    expect(classifyClient(undefined, '203.0.113.9')).toEqual({ clientClass: 'anonymous', id: '203.0.113.9' });
    expect(classifyClient(undefined, undefined)).toEqual({ clientClass: 'anonymous', id: 'unknown' });
    expect(classifyClient('', '')).toEqual({ clientClass: 'anonymous', id: 'unknown' });
  });

  it('lets a page load burst through and one buyer place 200 orders at once', () => {
    expect(anonymousPolicy).toEqual({ perSecond: 100, burst: 300 });
    expect(internalPolicy.perSecond).toBe(50);
    expect(internalPolicy.burst).toBeGreaterThanOrEqual(200);
  });
});

describe('the RATE_LIMITS setting', () => {
  it('keeps the defaults when unset and changes only the classes it names', () => {
    expect(policiesFrom(undefined)).toEqual({ anonymous: anonymousPolicy, internal: internalPolicy });
    expect(policiesFrom('anonymous:5/10')).toEqual({
      anonymous: { perSecond: 5, burst: 10 },
      internal: internalPolicy,
    });
    expect(policiesFrom(' internal:0.5/2 , anonymous:1000/5000')).toEqual({
      anonymous: { perSecond: 1_000, burst: 5_000 },
      internal: { perSecond: 0.5, burst: 2 },
    });
  });

  it('refuses what it cannot read instead of running without limits', () => {
    for (const setting of ['partner:5/10', 'anonymous:5', 'anonymous:0/10', 'anonymous:5/0', 'off']) {
      expect(() => policiesFrom(setting)).toThrow(/RATE_LIMITS/);
    }
  });
});
