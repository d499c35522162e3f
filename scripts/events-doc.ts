/**
 * npm run docs:events — writes docs/events.md from the event schemas of shared/events.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsDoc } from './support/events-doc';

const path = join(__dirname, '..', 'docs', 'events.md');
writeFileSync(path, eventsDoc());
console.log(`wrote ${path}`);
