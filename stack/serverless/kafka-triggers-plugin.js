/**
 * The project's Serverless plugin for Kafka-triggered functions.
 *
 * 1. Adds the error-handling settings of Lambda's Kafka event-source mapping to `kafka` and `msk`
 *    events (the v3 schema lacks them): maximumRetryAttempts, functionResponseTypes, onFailureTopic.
 * 2. Writes them into each generated AWS::Lambda::EventSourceMapping. On AWS these controls need
 *    provisioned mode, so a mapping that uses them gets a ProvisionedPollerConfig.
 * 3. With `serverless offline start`, runs the Kafka trigger emulation (stack/kafka-triggers) next
 *    to serverless-offline and stops it with it.
 */
const { spawn } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const errorHandlingProperties = {
  maximumRetryAttempts: { type: 'integer', minimum: -1, maximum: 10000 },
  functionResponseTypes: { type: 'array', items: { enum: ['ReportBatchItemFailures'] }, maxItems: 1 },
  onFailureTopic: { type: 'string', minLength: 1, maxLength: 249 },
  minimumPollers: { type: 'integer', minimum: 1, maximum: 200 },
  maximumPollers: { type: 'integer', minimum: 1, maximum: 2000 },
};

const kafkaEventTypes = ['kafka', 'msk'];

class KafkaTriggersPlugin {
  constructor(serverless, options, { log }) {
    this.serverless = serverless;
    this.options = options;
    this.log = log;
    this.runner = undefined;
    for (const type of kafkaEventTypes) {
      serverless.configSchemaHandler.defineFunctionEventProperties('aws', type, {
        properties: errorHandlingProperties,
      });
    }
    this.hooks = {
      'after:package:compileEvents': () => this.addErrorHandlingToMappings(),
      'before:offline:start:init': () => this.startTriggers(),
      'before:offline:start:end': () => this.stopTriggers(),
    };
  }

  /** Kafka events of every function, in declaration order, with their function's name. */
  kafkaEvents() {
    const service = this.serverless.service;
    return service
      .getAllFunctions()
      .flatMap((name) =>
        service
          .getFunction(name)
          .events.flatMap((event) =>
            kafkaEventTypes.filter((type) => event[type]).map((type) => ({ name, type, event: event[type] })),
          ),
      );
  }

  /** The logical id Serverless gave the event-source mapping of this event. */
  mappingLogicalId(resources, { name, type, event }) {
    const naming = this.serverless.getProvider('aws').naming;
    if (type === 'kafka') return naming.getKafkaEventLogicalId(name, event.topic);
    const prefix = `${naming.getNormalizedFunctionName(name)}EventSourceMappingMSK`;
    const suffix = naming.normalizeNameToAlphaNumericOnly(event.topic).slice(0, 79);
    return Object.keys(resources).find((id) => id.startsWith(prefix) && id.endsWith(suffix));
  }

  addErrorHandlingToMappings() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const kafkaEvent of this.kafkaEvents()) {
      const { event } = kafkaEvent;
      const mapping = resources[this.mappingLogicalId(resources, kafkaEvent)];
      if (!mapping) continue;
      const properties = mapping.Properties;
      const usesErrorHandling =
        event.maximumRetryAttempts !== undefined || event.functionResponseTypes || event.onFailureTopic;
      if (event.maximumRetryAttempts !== undefined)
        properties.MaximumRetryAttempts = event.maximumRetryAttempts;
      if (event.functionResponseTypes) properties.FunctionResponseTypes = event.functionResponseTypes;
      if (event.onFailureTopic) {
        properties.DestinationConfig = { OnFailure: { Destination: `kafka://${event.onFailureTopic}` } };
      }
      if (usesErrorHandling || event.minimumPollers) {
        properties.ProvisionedPollerConfig = {
          MinimumPollers: event.minimumPollers ?? 1,
          MaximumPollers: event.maximumPollers ?? 10,
        };
      }
    }
  }

  /**
   * Writes the trigger definitions of the stage to .stack/<stage>/kafka-triggers.json and starts
   * the runner as a process group of its own; resolves once every mapping consumes, and fails the
   * offline start with the runner's error otherwise.
   */
  async startTriggers() {
    const { buildTriggerDefinitions } = loadEmulator();
    const stage = this.options.stage ?? this.serverless.service.provider.stage;
    const definitions = buildTriggerDefinitions(this.serverless.service, stage);
    if (definitions.length === 0) return;
    const root = this.serverless.serviceDir;
    const stateDir = path.join(root, '.stack', stage);
    mkdirSync(stateDir, { recursive: true });
    const file = path.join(stateDir, 'kafka-triggers.json');
    writeFileSync(file, `${JSON.stringify(definitions, null, 2)}\n`);
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const runner = spawn(tsx, [path.join(root, 'stack', 'kafka-triggers', 'runner.ts'), file], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    this.runner = runner;
    process.once('exit', () => this.signalRunner('SIGTERM'));
    await new Promise((resolve, reject) => {
      runner.once('error', (error) => reject(new Error(`Kafka triggers could not start: ${error.message}`)));
      runner.once('message', (message) =>
        message === 'ready' ? resolve() : reject(new Error(`Kafka triggers could not start: ${message}`)),
      );
      runner.once('exit', (code, signal) =>
        reject(new Error(`Kafka triggers could not start: the runner exited (${signal ?? `code ${code}`})`)),
      );
    });
    // The runner stops itself when this channel closes, e.g. if serverless is killed outright.
    runner.channel?.unref();
    this.log.notice(`Kafka triggers: ${definitions.length} event source mapping(s) running`);
  }

  /** Asks the runner to stop (it finishes the invocations in progress) and waits for it, 15 s at most. */
  async stopTriggers() {
    const runner = this.runner;
    if (!runner || runner.exitCode !== null || runner.signalCode !== null) return;
    const exited = new Promise((resolve) => runner.once('exit', resolve));
    this.signalRunner('SIGTERM');
    const killer = setTimeout(() => this.signalRunner('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  signalRunner(signal) {
    if (!this.runner || this.runner.exitCode !== null || this.runner.signalCode !== null) return;
    try {
      // The whole group: tsx runs the runner in a child process of its own.
      process.kill(-this.runner.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}

/** The emulator is TypeScript; the plugin is loaded by Serverless with plain require(). */
function loadEmulator() {
  const { require: tsRequire } = require('tsx/cjs/api');
  return tsRequire('../kafka-triggers/definitions.ts', __filename);
}

module.exports = KafkaTriggersPlugin;
