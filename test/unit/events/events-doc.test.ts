/** docs/events.md is what `npm run docs:events` writes from the schemas now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsDoc } from '../../../scripts/support/events-doc';

describe('docs/events.md', () => {
  it('is up to date with shared/events (run npm run docs:events after changing a schema)', () => {
    const written = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'events.md'), 'utf8');
    expect(written).toBe(eventsDoc());
  });

  it('documents every event type of every topic', () => {
    const doc = eventsDoc();
    for (const heading of [
      '### MemberWithdrawn (version 1)',
      '### OfferRemoved (version 1)',
      '### KeywordSearched (version 1)',
      '### OrderExchanged (version 1)',
    ]) {
      expect(doc).toContain(heading);
    }
  });
});
