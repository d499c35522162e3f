/** Cluster tests talk to the `cluster` profile's stack, which scripts/test-cluster.sh brings up. */
import { functionEnvironment, loadProfile } from '../../stack/profiles';

const environment = functionEnvironment(loadProfile('cluster'));
for (const [key, value] of Object.entries(environment)) {
  process.env[key] ??= value;
}
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
