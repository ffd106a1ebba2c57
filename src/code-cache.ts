import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Runs a CommonJS bundle the way `require` would, but compiled through V8's code cache.
 *
 * Compiling the bundle (yargs, MQTT.js, cosmiconfig: about 1.4 MB) would cost a one-message `mq pub`
 * some 25 ms more than its 75. Node 22 caches compiled code by itself (module.enableCompileCache);
 * Node 20 does not, so mq keeps V8's cached data in the user's cache directory. The first run of each command writes
 * it as the process exits (after that command's functions have been compiled), later runs start
 * from it. V8 rejects data from another V8 version or other flags; the file name (codeCacheFile)
 * makes sure a rebuilt or upgraded mq never reuses code from the old one.
 */
export function requireWithCodeCache(bundle: string, cacheFile: string | undefined): unknown {
  // esbuild writes ASCII (charset: 'ascii' in scripts/build.mjs), which latin1 decodes exactly and faster than utf8.
  const source = readFileSync(bundle, 'latin1');
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet: compile from source and write one at exit.
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
    // The bundle still calls import() (cosmiconfig for .mjs rc files): give it the main context's loader.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  silenceLoaderWarning();
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => writeCodeCache(cacheFile, script));
  }
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  wrapper(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return module.exports;
}

/**
 * Where the code cache of `bundle` for one command lives: `$XDG_CACHE_HOME/mq` or `~/.cache/mq`,
 * or nowhere when neither is known. `version` names the mq and Node versions: V8 checks the source
 * only by its length, so code cached for another build must never be offered to this one. Pure.
 */
export function codeCacheFile(bundle: BundleIdentity, command: string, env: NodeJS.ProcessEnv, version: string): string | undefined {
  // The XDG base directory spec: a relative path is invalid and ignored.
  const absolute = (dir: string | undefined) => (dir !== undefined && path.isAbsolute(dir) ? dir : undefined);
  const home = absolute(env.HOME);
  const base = absolute(env.XDG_CACHE_HOME) ?? (home !== undefined ? path.join(home, '.cache') : undefined);
  if (base === undefined) return undefined;
  return path.join(base, 'mq', `${bundle.name}-${command}-${version}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}.v8cache`);
}

export interface BundleIdentity {
  name: string;
  size: number;
  mtimeMs: number;
}

/** What tells one build of the bundle from another, cheaply: a stat, not a hash of 1.4 MB. */
export function bundleIdentity(bundle: string): BundleIdentity {
  const stat = statSync(bundle);
  return { name: path.basename(bundle, path.extname(bundle)), size: stat.size, mtimeMs: stat.mtimeMs };
}

/**
 * Node 20 calls that loader experimental and says so on stderr at the first import(), as if mq
 * were broken. It is the loader every `require`d file gets; only that one warning is dropped.
 */
function silenceLoaderWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    if (String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** Best effort and atomic: a cache that cannot be written only costs the next run its speed-up. */
function writeCodeCache(cacheFile: string, script: vm.Script): void {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cacheFile);
    removeStaleCaches(path.dirname(cacheFile), Date.now());
  } catch {
    // Read-only or missing home: run without a cache.
  }
}

/** A cache not written for this long is taken to belong to an mq (or Node) no longer used. */
const STALE_CACHE_MS = 30 * 24 * 3600 * 1000;

/**
 * Every build of mq writes files of its own, so each upgrade would leave the last one's behind for
 * good. Whenever a cache is written (the first run of a command after an upgrade), the files not
 * written for STALE_CACHE_MS go. A cache still in use by another installed mq is at worst written
 * again at its next run: reading a cache does not change its time, so age alone cannot tell.
 */
function removeStaleCaches(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.v8cache') && !name.endsWith('.tmp')) continue;
    try {
      if (now - statSync(path.join(dir, name)).mtimeMs > STALE_CACHE_MS) unlinkSync(path.join(dir, name));
    } catch {
      // Removed by another run meanwhile, or not ours to remove.
    }
  }
}
