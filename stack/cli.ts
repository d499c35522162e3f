/**
 * npm run stack -- <up|down|status|logs> [--profile dev|test] [component] [-f]
 * Manages the local stack of real servers on 127.0.0.1 (see docs/local-stack.md).
 */
import { logFile, printLog } from './components/processes';
import { isProfileName, loadProfile, type ProfileName } from './profiles';
import { componentNamed, components, down, status, up } from './stack';

const usage =
  'usage: npm run stack -- <up|down|status|logs> [--profile dev|test] [redis|kafka|dynamodb] [-f]';

interface Arguments {
  command: string;
  profile: ProfileName;
  component?: string;
  follow: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const rest = [...argv];
  let profile: ProfileName = 'dev';
  let follow = false;
  const positional: string[] = [];
  while (rest.length > 0) {
    const argument = rest.shift() as string;
    if (argument === '--profile') {
      const value = rest.shift() ?? '';
      if (!isProfileName(value)) throw new Error(`--profile must be dev or test, not "${value}"\n${usage}`);
      profile = value;
    } else if (argument === '-f' || argument === '--follow') {
      follow = true;
    } else {
      positional.push(argument);
    }
  }
  const [command, component] = positional;
  if (!command) throw new Error(usage);
  return { command, profile, component, follow };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const profile = loadProfile(args.profile);
  const selected = args.component ? [componentNamed(args.component)] : components;
  switch (args.command) {
    case 'up':
      await up(profile);
      return;
    case 'down':
      await down(profile, console.log, selected);
      return;
    case 'status': {
      const states = await status(profile);
      for (const state of states) {
        const health = state.healthy ? 'healthy' : 'not answering';
        const process = state.running ? `running (pid ${state.pid})` : 'stopped';
        console.log(`${state.name.padEnd(9)} ${process.padEnd(22)} ${state.endpoint.padEnd(16)} ${health}`);
      }
      if (states.some((state) => !state.healthy)) process.exitCode = 1;
      return;
    }
    case 'logs':
      for (const component of selected) {
        if (selected.length > 1) console.log(`==> ${component.name} <==`);
        printLog(logFile(profile, component.name), args.follow);
      }
      return;
    default:
      throw new Error(`Unknown command "${args.command}"\n${usage}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
