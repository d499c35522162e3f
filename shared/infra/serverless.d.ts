/** Types of what TypeScript code uses from serverless.js (which serverless.yml reads too). */
import type { CreateTableCommandInput, TimeToLiveSpecification } from '@aws-sdk/client-dynamodb';

export interface TableResource {
  Type: 'AWS::DynamoDB::Table';
  Properties: Omit<CreateTableCommandInput, 'TableName'> & {
    TableName: string;
    TimeToLiveSpecification?: TimeToLiveSpecification;
    PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean };
  };
}

/** The CloudFormation table resources of a stage, by logical id. */
export function tableResources(stage: string): Record<string, TableResource>;

/** What serverless.yml reads as `custom.stage`: see `stage` in serverless.js. */
export interface StageSettings {
  environment: Record<string, string>;
  kafkaBootstrapServers: string[];
  kafkaAccess: { saslScram512Auth: string[]; vpcSubnet?: string[]; vpcSecurityGroup?: string[] };
  vpc: { subnetIds: string[]; securityGroupIds: string[] } | null;
}

/** The settings of the stage that `resolveVariable('sls:stage')` names. */
export function stage(options: {
  resolveVariable: (name: string) => Promise<unknown>;
}): Promise<StageSettings>;

/** API Gateway's own errors: [response type, status (undefined: the error's own), code, message template]. */
export const gatewayErrors: ReadonlyArray<readonly [string, string | undefined, string, string]>;
