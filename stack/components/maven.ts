/**
 * Jars of the Java servers come from Maven Central through `mvn`, once: the folder under
 * `.stack/cache` is named after the pom's hash, so changing a version fetches anew.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot } from '../profiles';
import { onPath, runCommand } from './processes';
import { MissingToolError } from './types';

const completeMarker = '.complete';
/** A first download of a few dozen jars; generous for a slow connection, yet never a hang. */
const downloadTimeoutMs = 10 * 60_000;

/** One `mvn` at a time: concurrent runs writing the same local repository can corrupt it. */
let mavenQueue: Promise<unknown> = Promise.resolve();

export type MavenProject = 'kafka' | 'dynamodb';

/** The pom of a project, under stack/maven. */
export function pomOf(project: MavenProject): string {
  return path.join(repoRoot, 'stack', 'maven', project, 'pom.xml');
}

async function copyDependencies(project: MavenProject, target: string, log: (line: string) => void) {
  if (!onPath('mvn')) {
    throw new MissingToolError(
      'mvn',
      'Install Maven (Debian: apt-get install -y maven) to fetch the jars once.',
    );
  }
  log(`${project}: fetching jars with Maven into ${path.relative(repoRoot, target)} (first run only)`);
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  const started = Date.now();
  await runCommand(
    `mvn could not fetch the ${project} jars`,
    'mvn',
    ['-B', '-q', '-f', pomOf(project), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`],
    downloadTimeoutMs,
  );
  writeFileSync(path.join(staging, completeMarker), new Date().toISOString());
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  log(`${project}: jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Copies the pom's dependencies into the cache once; resolves to the folder holding the jars. */
export async function mavenDependencies(project: MavenProject, log: (line: string) => void): Promise<string> {
  const digest = createHash('sha256')
    .update(readFileSync(pomOf(project)))
    .digest('hex')
    .slice(0, 12);
  const target = path.join(cacheDir, `${project}-${digest}`);
  if (existsSync(path.join(target, completeMarker))) return target;
  const download = mavenQueue.then(() =>
    existsSync(path.join(target, completeMarker)) ? undefined : copyDependencies(project, target, log),
  );
  mavenQueue = download.catch(() => undefined);
  await download;
  return target;
}

/** The java executable: $JAVA_HOME/bin/java when set, else java from PATH. */
export function javaExecutable(): string {
  const fromHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
  if (fromHome && existsSync(fromHome)) return fromHome;
  if (onPath('java')) return 'java';
  throw new MissingToolError(
    'java',
    'Install a Java 17 runtime (Debian: apt-get install -y openjdk-17-jre-headless).',
  );
}
