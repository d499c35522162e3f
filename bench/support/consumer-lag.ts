/** How far the consumers of a topic are behind, for benchmarks that must not measure a backlog. */
import { kafkaAdmin } from '../../shared/kafka/client';

/** Records of the topic not yet committed, summed over every consumer group that has committed on it. */
export async function recordsBehind(topic: string): Promise<number> {
  const admin = await kafkaAdmin();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]),
  );
  const { groups } = await admin.listGroups();
  let behind = 0;
  for (const { groupId } of groups) {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const partitions = committed?.partitions ?? [];
    // A group that never committed on the topic does not consume it.
    if (partitions.every(({ offset }) => offset === '-1')) continue;
    for (const { partition, offset } of partitions) {
      behind += Math.max(0, (ends.get(partition) ?? 0) - Math.max(0, Number(offset)));
    }
  }
  return behind;
}

/**
 * Waits, at most `maxMs`, until no consumer of the topics is behind; `waiting` hears how far
 * behind they were when the wait began. Answers the records still behind (0 once caught up).
 */
export async function consumersCaughtUp(
  topics: readonly string[],
  maxMs: number,
  waiting: (behind: number) => void,
  stopped: () => boolean = () => false,
): Promise<number> {
  const behind = async () => (await Promise.all(topics.map(recordsBehind))).reduce((a, b) => a + b, 0);
  const until = Date.now() + maxMs;
  let left = await behind();
  if (left > 0) waiting(left);
  while (left > 0 && Date.now() < until && !stopped()) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    left = await behind();
  }
  return left;
}
