/**
 * Registers a partner site for the external price-comparison API and prints its API key, once:
 *
 *   npm run partner:create -- "<name>" [--per-second 10] [--burst 20] [--profile dev|test]
 *
 * The local dev stack by default; against AWS, run it with the stage's environment (TABLE_PREFIX,
 * AWS_REGION) and credentials set and no --profile (see support/profile.ts).
 */
import { parseArgs } from 'node:util';
import { createPartner } from '../shared/dynamo/partner-store';
import { useProfile } from './support/profile';
import { run } from './support/run';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'per-second': { type: 'string', default: '10' },
      burst: { type: 'string', default: '20' },
      profile: { type: 'string' },
    },
  });
  const [name] = positionals;
  const perSecond = Number(values['per-second']);
  const burst = Number(values.burst);
  if (!name || !(perSecond > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new Error(
      'usage: npm run partner:create -- "<name>" [--per-second N>0] [--burst N>=1] [--profile dev|test]',
    );
  }
  useProfile(values.profile);
  const { partner, apiKey } = await createPartner(name, { perSecond, burst });
  console.log(`partner ${partner.name} (${partner.partnerId}): ${perSecond}/s, burst ${burst}`);
  console.log(`API key (shown only now): ${apiKey}`);
}

run(main);
