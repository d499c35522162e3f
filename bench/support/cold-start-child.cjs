/**
 * One fresh container's init, for bench/cold-start.ts: loads a function's bundle (argv[2]) as the
 * Lambda runtime does, with require(), and prints how long loading and initialising it took, how
 * long Node took to reach this script, and what the init left open (sockets, timers: a client
 * connecting during init would show here). Without a bundle it measures Node's boot alone.
 */
const reached = performance.now();
const [bundle, exportName] = process.argv.slice(2);
let initMs = 0;
if (bundle) {
  const started = performance.now();
  const handlerModule = require(bundle);
  initMs = performance.now() - started;
  if (typeof handlerModule[exportName] !== 'function') {
    process.stderr.write(`${bundle} exports no function ${exportName}\n`);
    process.exit(2);
  }
}
// stdout and stderr (a pipe or a terminal) are open once anything writes to them, e.g. the logger.
const openAfterInit = process
  .getActiveResourcesInfo()
  .filter((kind) => kind !== 'PipeWrap' && kind !== 'TTYWrap');
process.stdout.write(JSON.stringify({ bootMs: reached, initMs, openAfterInit }));
// Whatever the init left running must not hold the measurement up.
process.exit(0);
