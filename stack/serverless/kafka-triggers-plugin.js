/**
 * The project's Serverless plugin for Kafka-triggered functions.
 *
 * 1. Adds the error-handling settings of Lambda's Kafka event-source mapping to `kafka` and `msk`
 *    events (the v3 schema lacks them): maximumRetryAttempts, functionResponseTypes, onFailureTopic.
 * 2. Writes them into each generated AWS::Lambda::EventSourceMapping. On AWS these controls need
 *    provisioned mode, so a mapping that uses them gets a ProvisionedPollerConfig.
 *
 * Offline, the local Lambda runtime (stack/serverless/local-lambda-plugin.js) runs the mappings.
 */
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
    for (const type of kafkaEventTypes) {
      serverless.configSchemaHandler.defineFunctionEventProperties('aws', type, {
        properties: errorHandlingProperties,
      });
    }
    this.hooks = {
      'after:package:compileEvents': () => this.addErrorHandlingToMappings(),
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
}

module.exports = KafkaTriggersPlugin;
