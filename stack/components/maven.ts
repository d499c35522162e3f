/**
 * Jars of the Java servers come from Maven Central through `mvn`, once: the folder under
 * `.stack/cache` is named after the pom's hash, so changing a version fetches anew.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot } from '../profiles';
import { onPath } from './processes';
import { MissingToolError } from './types';

const completeMarker = '.complete';

/** Copies the pom's dependencies into the cache once; returns the folder holding the jars. */
export function mavenDependencies(pomName: 'kafka' | 'dynamodb', log: (line: string) => void): string {
  const pom = path.join(repoRoot, 'stack', 'maven', pomName, 'pom.xml');
  const digest = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 12);
  const target = path.join(cacheDir, `${pomName}-${digest}`);
  if (existsSync(path.join(target, completeMarker))) return target;

  if (!onPath('mvn')) {
    throw new MissingToolError(
      'mvn',
      'Install Maven (Debian: apt-get install -y maven) to fetch the jars once.',
    );
  }
  log(`${pomName}: fetching jars with Maven into ${path.relative(repoRoot, target)} (first run only)`);
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  const started = Date.now();
  const result = spawnSync(
    'mvn',
    ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    throw new Error(`mvn could not fetch the ${pomName} jars:\n${result.stdout}${result.stderr}`);
  }
  writeFileSync(path.join(staging, completeMarker), new Date().toISOString());
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  log(`${pomName}: jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
