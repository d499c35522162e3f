/**
 * npm run stack -- <up|down|status|logs> [--profile dev|test|cluster] [component] [-f] [--clean]
 * Manages the local stack of real servers on 127.0.0.1 (see docs/local-stack.md).
 */
import { logFile, printLogs } from './components/processes';
import { nodesOf } from './components/types';
import { isProfileName, loadProfile, type ProfileName } from './profiles';
import { componentNamed, components, down, status, up } from './stack';

const usage = [
  'usage: npm run stack -- <command> [--profile dev|test|cluster] [redis|kafka|dynamodb]',
  '  up                 start what is not running, wait until healthy, create tables and topics',
  '  down [--clean]     stop (--clean also deletes the data the dev stack keeps)',
  '  status             running/stopped, pid, endpoint and health of each server',
  '  logs [-f]          the last lines of the logs (-f: keep following)',
].join('\n');

interface Arguments {
  command: string;
  profile: ProfileName;
  component?: string;
  follow: boolean;
  clean: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const rest = [...argv];
  let profile: ProfileName = 'dev';
  let follow = false;
  let clean = false;
  const positional: string[] = [];
  while (rest.length > 0) {
    const argument = rest.shift() as string;
    if (argument === '--profile') {
      const value = rest.shift() ?? '';
      if (!isProfileName(value))
        throw new Error(`--profile must be dev, test or cluster, not "${value}"\n${usage}`);
      profile = value;
    } else if (argument === '-f' || argument === '--follow') {
      follow = true;
    } else if (argument === '--clean') {
      clean = true;
    } else if (argument === '-h' || argument === '--help') {
      positional.unshift('help');
    } else if (argument.startsWith('-')) {
      throw new Error(`Unknown option "${argument}"\n${usage}`);
    } else {
      positional.push(argument);
    }
  }
  const [command, component] = positional;
  if (!command) throw new Error(usage);
  return { command, profile, component, follow, clean };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  if (args.command === 'help') {
    console.log(usage);
    return;
  }
  const profile = loadProfile(args.profile);
  const selected = args.component ? [componentNamed(args.component)] : components;
  switch (args.command) {
    case 'up':
      await up(profile, console.log, selected);
      return;
    case 'down':
      await down(profile, console.log, selected, { clean: args.clean });
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
      printLogs(
        selected.flatMap((component) =>
          nodesOf(component, profile).map((node) => logFile(profile, node.name)),
        ),
        args.follow,
      );
      return;
    default:
      throw new Error(`Unknown command "${args.command}"\n${usage}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
