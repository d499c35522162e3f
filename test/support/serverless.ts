/** Runs the Serverless Framework CLI of the project, as a user would, and captures its output. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { environmentKeys } from '../../shared/infra';
import { repoRoot } from '../../stack/profiles';

export interface CliResult {
  code: number | null;
  output: string;
}

/**
 * The CLI's exit code and output. The functions' environment keys are unset so the stage's own
 * values apply; `extraEnv` adds deployment settings such as those a non-local stage needs.
 */
export function runServerless(
  args: string[],
  cwd = repoRoot,
  timeoutMs = 120_000,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !(environmentKeys as string[]).includes(key)),
  );
  return new Promise((resolve) => {
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'serverless'), args, {
      cwd,
      env: {
        ...env,
        SLS_TELEMETRY_DISABLED: '1',
        AWS_ACCESS_KEY_ID: 'packaging-only',
        AWS_SECRET_ACCESS_KEY: 'packaging-only',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
