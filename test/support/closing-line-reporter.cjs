/**
 * A jest reporter that ends the run with one plain line, `jest: N passed, N failed, N skipped`,
 * which CI and people read without parsing jest's own summary. When PEAKCART_TEST_TALLY names a
 * file, the same counts are appended to it as `passed failed skipped`, so .ci/run can total the
 * runs it makes (see .ci/run).
 */
const { appendFileSync } = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`jest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    const tally = process.env.PEAKCART_TEST_TALLY;
    if (tally) appendFileSync(tally, `${passed} ${failed} ${skipped}\n`);
  }
}

module.exports = ClosingLineReporter;
