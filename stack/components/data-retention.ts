import type { StackProfile } from '../profiles';

/**
 * The dev stack keeps its Kafka records and DynamoDB items across restarts, as a developer expects;
 * the test stack starts empty every time, so test runs never see each other's data.
 */
export function keepsData(profile: StackProfile): boolean {
  return profile.name !== 'test';
}
