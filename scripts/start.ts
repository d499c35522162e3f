/**
 * npm start: the dev stack, the API on http://localhost:3000 and the Kafka triggers, in the
 * foreground until Ctrl-C. Stops what it started; a stack that was already running stays up.
 */
import { resolveLocalLambda, runLocalLambda } from '../stack/offline';
import { loadProfile } from '../stack/profiles';
import { componentNamed, down, up } from '../stack/stack';

async function main(): Promise<void> {
  const profile = loadProfile('dev');
  // Serverless resolves the service while the stack comes up; the runtime needs both.
  const resolving = resolveLocalLambda(profile);
  resolving.catch(() => undefined);
  const { started } = await up(profile);
  const stopStarted = () => down(profile, console.log, started.map(componentNamed));
  const config = await resolving.catch(async (error: unknown) => {
    await stopStarted();
    throw error;
  });

  const offline = runLocalLambda(profile, config, 'inherit');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping || offline.pid === undefined) return;
    stopping = true;
    console.log(`\nstopping (${signal})...`);
    try {
      process.kill(-offline.pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const code = await new Promise<number>((resolve) =>
    offline.once('exit', (exitCode) => resolve(exitCode ?? 0)),
  );
  await stopStarted();
  process.exit(stopping ? 0 : code);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
