/**
 * Keeps each function's zip to its bundle: the source map and the esbuild metafile that
 * serverless-esbuild writes beside every bundle (custom.esbuild `sourcemap`, `metafile`) stay in
 * .esbuild/.build (kept by `keepOutputDirectory`) instead of shipping. serverless-esbuild honours
 * exclusions only from a function's own `package.patterns`, so they are added to every function.
 */
const bundleOnlyPatterns = ['!**/*.js.map', '!**/*-meta.json'];

class BundleOnlyPlugin {
  constructor(serverless) {
    this.hooks = {
      initialize: () => {
        for (const fn of Object.values(serverless.service.functions ?? {})) {
          fn.package ??= {};
          fn.package.patterns = [...(fn.package.patterns ?? []), ...bundleOnlyPatterns];
        }
      },
    };
  }
}

module.exports = BundleOnlyPlugin;
module.exports.bundleOnlyPatterns = bundleOnlyPatterns;
