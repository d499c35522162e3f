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
