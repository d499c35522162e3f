/**
 * Unit tests need nothing running; integration and end-to-end tests need the local stack that
 * scripts/test.sh brings up. The cluster tests need the cluster profile's stack and run only with
 * `npm run test:cluster` (scripts/test-cluster.sh); scripts/test.sh selects the other projects.
 * swc also compiles the ESM-only middy packages for jest.
 */
const transform = {
  '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!@middy/)'];
// middy 7 exports its packages for `import` only, a condition jest's CommonJS resolver never asks for.
const moduleNameMapper = { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' };

module.exports = {
  // Integration tests wait on real servers; unit tests finish long before this.
  testTimeout: 60000,
  // One file at a time: end-to-end files each serve the API on the test profile's port, and one
  // of them stops the test stack's Redis to prove search survives it.
  maxWorkers: 1,
  // Not every run exits by itself: some runs of the whole suite end with one kafkajs connection to
  // the test broker still established, owned by the tests' own client (clientId peakcart-tests, not
  // a product client) and in no consumer group; others, and the Kafka-outage test alone, exit cleanly.
  forceExit: true,
  // jest's own summary, then one plain closing line (and the tally .ci/run totals).
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.cjs'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/test-env.ts'],
    },
    {
      displayName: 'cluster',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/cluster-env.ts'],
    },
  ],
};
