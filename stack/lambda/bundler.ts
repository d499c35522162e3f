/**
 * Bundles the functions for the local runtime with esbuild and the settings of serverless.yml's
 * `custom.esbuild` (the ones `serverless package` uses), one file per function plus the container
 * bootstrap. A build is reused while none of the files it was made from changed: a manifest keeps
 * each output's inputs with their size and modification time, and only the functions whose inputs
 * changed are built again, in one esbuild call.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build, type Metafile, version } from 'esbuild';

export interface EsbuildSettings {
  minify?: boolean;
  sourcemap?: boolean | 'inline' | 'external' | 'linked' | 'both';
  target?: string;
  exclude?: string[];
  external?: string[];
  mainFields?: string[];
}

export interface BundleRequest {
  /** Output name → entry file relative to the service root. */
  entries: Record<string, string>;
  root: string;
  outdir: string;
  settings: EsbuildSettings;
}

export interface BundleResult {
  /** Output name → bundle file. */
  files: Record<string, string>;
  /** Names built this time (the rest were reused). */
  built: string[];
  durationMs: number;
}

interface Manifest {
  options: string;
  outputs: Record<string, { entry: string; inputs: Record<string, string> }>;
}

const manifestName = 'manifest.json';

function fileStamp(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function esbuildOptions(request: BundleRequest): BuildOptions {
  const { settings } = request;
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: settings.target ?? 'node24',
    minify: settings.minify ?? false,
    sourcemap: settings.sourcemap === true ? 'linked' : (settings.sourcemap ?? false),
    external: [...(settings.exclude ?? []), ...(settings.external ?? [])],
    ...(settings.mainFields ? { mainFields: settings.mainFields } : {}),
    absWorkingDir: request.root,
    outdir: request.outdir,
    metafile: true,
    logLevel: 'error',
  };
}

function readManifest(file: string, options: string): Manifest {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (manifest.options === options) return manifest;
  } catch {
    // No manifest yet, or an unreadable one: build everything.
  }
  return { options, outputs: {} };
}

function isCurrent(manifest: Manifest, name: string, entry: string, request: BundleRequest): boolean {
  const output = manifest.outputs[name];
  if (!output || output.entry !== entry || !existsSync(path.join(request.outdir, `${name}.js`))) return false;
  return Object.entries(output.inputs).every(
    ([input, stamp]) => fileStamp(path.join(request.root, input)) === stamp,
  );
}

/** Which inputs went into each output, stamped as they are now. */
function inputsByOutput(metafile: Metafile, request: BundleRequest): Map<string, Record<string, string>> {
  const byName = new Map<string, Record<string, string>>();
  for (const [outputFile, output] of Object.entries(metafile.outputs)) {
    if (!outputFile.endsWith('.js')) continue;
    const name = path.basename(outputFile, '.js');
    const inputs: Record<string, string> = {};
    for (const input of Object.keys(output.inputs)) {
      const stamp = fileStamp(path.join(request.root, input));
      if (stamp) inputs[input] = stamp;
    }
    byName.set(name, inputs);
  }
  return byName;
}

/** Builds what changed since the last build into `outdir` and returns every output's file. */
export async function bundleFunctions(request: BundleRequest): Promise<BundleResult> {
  const started = performance.now();
  const options = esbuildOptions(request);
  const optionsKey = createHash('sha256')
    .update(JSON.stringify({ ...options, esbuild: version }))
    .digest('hex');
  mkdirSync(request.outdir, { recursive: true });
  const manifestFile = path.join(request.outdir, manifestName);
  const manifest = readManifest(manifestFile, optionsKey);
  const stale = Object.entries(request.entries).filter(
    ([name, entry]) => !isCurrent(manifest, name, entry, request),
  );
  if (stale.length > 0) {
    const result = await build({ ...options, entryPoints: Object.fromEntries(stale) });
    const inputs = inputsByOutput(result.metafile as Metafile, request);
    for (const [name, entry] of stale) manifest.outputs[name] = { entry, inputs: inputs.get(name) ?? {} };
    writeFileSync(manifestFile, `${JSON.stringify(manifest)}\n`);
  }
  return {
    files: Object.fromEntries(
      Object.keys(request.entries).map((name) => [name, path.join(request.outdir, `${name}.js`)]),
    ),
    built: stale.map(([name]) => name),
    durationMs: performance.now() - started,
  };
}
