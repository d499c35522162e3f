/**
 * The outbox entries set aside (they could not be sent): lists them with their reasons, or puts
 * one back to be sent once its cause is fixed.
 *
 *   npm run outbox -- list [--profile dev|test]
 *   npm run outbox -- requeue <eventId> [--profile dev|test]
 *
 * The local dev stack by default; against AWS, run it with the stage's environment and credentials.
 */

import { parseArgs } from 'node:util';
import { requeueEntry, setAsideEntries } from '../shared/outbox/outbox';
import { useProfile } from './support/profile';
import { run } from './support/run';

const usage = 'usage: npm run outbox -- list | requeue <eventId> [--profile dev|test]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { profile: { type: 'string' } },
  });
  const [command, eventId] = positionals;
  useProfile(values.profile);
  if (command === 'list') {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await setAsideEntries(100, after);
      for (const entry of page.entries) {
        console.log(`${entry.setAsideAt}  ${entry.eventId}  ${entry.topicKey}  ${entry.setAsideReason}`);
      }
      after = page.next;
    } while (after);
  } else if (command === 'requeue' && eventId) {
    if (!(await requeueEntry(eventId))) throw new Error(`${eventId} is not an entry set aside`);
    console.log(`${eventId} is pending again; the relay sends it within a minute`);
  } else {
    throw new Error(usage);
  }
}

run(main);
