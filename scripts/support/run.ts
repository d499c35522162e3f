/**
 * Runs a script's or benchmark's main function: reports a failure on stderr with exit code 1, and
 * always closes the Kafka, Redis and DynamoDB clients so the process can end.
 */
import { closeDynamo } from '../../shared/dynamo/client';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis } from '../../shared/redis/client';

export function run(main: () => Promise<void>): void {
  main()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await closeKafka();
      await closeRedis();
      closeDynamo();
    });
}
