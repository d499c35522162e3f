import type { StackProfile } from '../profiles';

/**
 * The dev stack keeps its Kafka records and DynamoDB items across restarts, as a developer expects;
 * the test and cluster stacks start empty every time they start as a whole, so test runs never see
 * each other's data. A server restarted while the rest of the stack runs on keeps its data either way.
 */
export function keepsData(profile: StackProfile): boolean {
  return profile.name === 'dev';
}
