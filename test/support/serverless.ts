/** Runs the Serverless Framework CLI of the project, as a user would, and captures its output. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
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

/**
 * What serverless.yml's variables resolve to for a stage, for calling shared/infra/serverless.js
 * as Serverless does: `sls:stage`, and `self:custom.sizing` from the stage's own sizing (prod's
 * for a stage not listed).
 */
export function stageVariables(stage: string): { resolveVariable: (name: string) => Promise<unknown> } {
  const yml = parse(readFileSync(path.join(repoRoot, 'serverless.yml'), 'utf8'), { merge: true }) as {
    custom: { stages: Record<string, unknown> };
  };
  const sizing = yml.custom.stages[stage] ?? yml.custom.stages.prod;
  return {
    resolveVariable: async (name: string) => {
      if (name === 'sls:stage') return stage;
      if (name === 'self:custom.sizing') return sizing;
      throw new Error(`no test value for \${${name}}`);
    },
  };
}
