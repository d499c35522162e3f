/**
 * `serverless local-lambda --stage <stage> [--httpPort <port>] [--lambdaPort <port>]`
 *
 * Runs the resolved service on the local Lambda runtime (stack/lambda): API Gateway on the HTTP
 * port, Lambda's Invoke API on the lambda port, every function in containers of its own within its
 * reserved concurrency, with its schedules and Kafka triggers. The runtime is a process of its own
 * (stack/lambda/main.ts, run by Node with tsx's loader) reading what Serverless resolved from .stack/<stage>/local-lambda.json;
 * it stays in the foreground until SIGINT or SIGTERM, then prints what ran and stops. With
 * `--configOnly` it writes that file and exits (npm start and the tests run the runtime themselves,
 * so that Serverless's own process does not stay alive beside it).
 */
const { spawn } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

class LocalLambdaPlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.commands = {
      'local-lambda': {
        usage:
          'Runs every function on the local Lambda runtime (containers per function, API Gateway, schedules, Kafka triggers)',
        lifecycleEvents: ['start'],
        options: {
          httpPort: { usage: 'Port of the API (default: custom.localLambda.httpPort)', type: 'string' },
          lambdaPort: {
            usage: 'Port of the Invoke API (default: custom.localLambda.lambdaPort)',
            type: 'string',
          },
          configOnly: {
            usage: 'Only write .stack/<stage>/local-lambda.json, for stack/lambda/main.ts',
            type: 'boolean',
          },
        },
      },
    };
    this.hooks = { 'local-lambda:start': () => this.start() };
  }

  async start() {
    const service = this.serverless.service;
    const stage = this.options.stage ?? service.provider.stage;
    const settings = service.custom?.localLambda ?? {};
    const root = this.serverless.serviceDir;
    const config = {
      stage,
      root,
      httpPort: Number(this.options.httpPort ?? settings.httpPort),
      lambdaPort: Number(this.options.lambdaPort ?? settings.lambdaPort),
      settings,
      esbuild: service.custom?.esbuild ?? {},
      service: { service: service.service, provider: service.provider, functions: service.functions },
    };
    const stateDir = path.join(root, '.stack', stage);
    mkdirSync(stateDir, { recursive: true });
    const file = path.join(stateDir, 'local-lambda.json');
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    if (this.options.configOnly) return;
    // Node itself with tsx's loader, so signals reach the runtime directly rather than through tsx's CLI.
    const main = path.join(root, 'stack', 'lambda', 'main.ts');
    const runtime = spawn(process.execPath, ['--import', 'tsx', main, file], { cwd: root, stdio: 'inherit' });
    const forward = (signal) => runtime.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise((resolve) => runtime.once('exit', (exitCode) => resolve(exitCode ?? 0)));
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    if (code !== 0) throw new Error(`the local Lambda runtime exited with code ${code}`);
  }
}

module.exports = LocalLambdaPlugin;
