/**
 * Preloaded into the project's Node processes by scripts/node24.sh: middy 7 exports its packages
 * for `import` only, a condition CommonJS `require` never asks for, so a script run by tsx (which
 * compiles to CommonJS) could not load shared/http. This maps `@middy/<name>` to the package's
 * index.js, which Node 24 requires as an ES module, as jest.config.js maps it for the tests.
 */
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveMiddy(request, ...rest) {
  const found = /^@middy\/([^/]+)$/.exec(request);
  if (found) return path.join(root, 'node_modules', '@middy', found[1], 'index.js');
  return resolveFilename.call(this, request, ...rest);
};
