// Sync calls: the stat pass runs at every start of a network command, where node:fs/promises (and
// libuv's thread pool, for some 40 stats in parallel) cost more than the stats themselves.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { statIfPresent } from './options-file.js';
import type { RawLayer } from './resolve.js';
import { SETTINGS } from './settings.js';
import { closest } from '../suggest.js';
import { parseUrl } from './url.js';

/** Where cosmiconfig looks in each folder from the cwd up to HOME (then $XDG_CONFIG_HOME/mq/config*). */
export const RC_SEARCH_PLACES = [
  'package.json', '.mqrc', '.mqrc.json', '.mqrc.yaml', '.mqrc.yml', '.mqrc.js', '.mqrc.cjs', '.mqrc.mjs',
  '.config/mqrc', '.config/mqrc.json', '.config/mqrc.yaml', '.config/mqrc.yml',
  'mq.config.js', 'mq.config.cjs', 'mq.config.mjs',
];

/** Keys an rc file (top level or inside a profile) may hold. */
export const RC_KEYS: readonly string[] = [
  'url', 'ws', ...SETTINGS.filter((s) => s.key !== 'topic' && s.key !== 'transport').map((s) => s.key),
];

/** Keys an rc file may hold for one command rather than for the connection: sub's `decode` map. */
export const RC_COMMAND_KEYS: readonly string[] = ['decode'];

export interface LoadedRc {
  layer: RawLayer;
  file: string;
  /** `decode` (top level, or the chosen profile's), for mq sub; its schema paths are relative to `file`. */
  decode?: unknown;
  profile?: string;
  warnings: string[];
}

export interface RcContent {
  [key: string]: unknown;
  profiles?: Record<string, Record<string, unknown>>;
  defaultProfile?: string;
}

/** The rc file named by --config / MQ_CONFIG, or the first one found from the cwd up (null: none). */
async function findRc(cwd: string, explicitPath: string | undefined) {
  // Most runs have no rc file at all: a pass of stat calls proves it without loading cosmiconfig
  // (its loaders and its meta-config lookup cost several milliseconds at every start).
  if (!explicitPath && !(await mayHoldRc(cwd))) return null;
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('mq', { searchPlaces: RC_SEARCH_PLACES, searchStrategy: 'global', cache: false });
  return explicitPath ? explorer.load(path.resolve(cwd, explicitPath)) : explorer.search(cwd);
}

/**
 * The files cosmiconfig 9 would read for `mq` with searchStrategy 'global': its meta config in the
 * cwd (which can change the search), then each of RC_SEARCH_PLACES in every folder from the cwd up
 * to HOME (or the root), then its global config folder (env-paths: $XDG_CONFIG_HOME/mq on Linux).
 */
export function rcCandidates(cwd: string, home: string, globalDir: string): { meta: string[]; search: string[] } {
  const meta = COSMICONFIG_META_PLACES.map((place) => path.join(cwd, place));
  const search: string[] = [];
  const stop = path.resolve(home);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    search.push(...RC_SEARCH_PLACES.map((place) => path.join(dir, place)));
    if (dir === stop || path.dirname(dir) === dir) break;
  }
  search.push(...COSMICONFIG_GLOBAL_PLACES.map((place) => path.join(globalDir, place)));
  return { meta, search };
}

/** cosmiconfig 9's own lists (defaults.js): metaSearchPlaces and globalConfigSearchPlaces. */
const COSMICONFIG_META_PLACES = [
  'package.json', 'package.yaml', '.config/config.json', '.config/config.yaml', '.config/config.yml',
  '.config/config.js', '.config/config.ts', '.config/config.cjs', '.config/config.mjs',
];
const COSMICONFIG_GLOBAL_PLACES = ['config', 'config.json', 'config.yaml', 'config.yml', 'config.js', 'config.ts', 'config.cjs', 'config.mjs'];

/**
 * False only when no file cosmiconfig would read exists: then its search would find nothing. A
 * package.json counts only when it has an "mq" key (or a "cosmiconfig" one, in the cwd); when in
 * doubt (unreadable, not JSON) it counts, and cosmiconfig decides as before.
 */
async function mayHoldRc(cwd: string): Promise<boolean> {
  const { default: envPaths } = await import('env-paths');
  const { meta, search } = rcCandidates(cwd, homedir(), envPaths('mq', { suffix: '' }).config);
  const found = [...meta, ...search].filter((file) => statIfPresent(file) !== undefined);
  for (const file of found) {
    if (path.basename(file) !== 'package.json') return true;
    const keys = meta.includes(file) ? ['mq', 'cosmiconfig'] : ['mq'];
    if (packageJsonHas(file, keys)) return true;
  }
  return false;
}

function packageJsonHas(file: string, keys: string[]): boolean {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof content !== 'object' || content === null || keys.some((key) => key in content);
  } catch {
    return true;
  }
}

/**
 * Find and load the rc file (or the one named by --config / MQ_CONFIG), pick the profile,
 * and validate every key. Returns undefined when there is no rc file and none was asked for.
 */
export async function loadRc(options: { cwd: string; explicitPath?: string; profile?: string }): Promise<LoadedRc | undefined> {
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    found = await findRc(options.cwd, options.explicitPath);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (options.explicitPath && err.code === 'ENOENT') {
      throw new ConfigError(`rc file ${options.explicitPath} does not exist (named by --config or MQ_CONFIG).`);
    }
    throw new ConfigError(`Could not parse rc file: ${oneLine(err.message)}`, { cause: error });
  }
  if (!found) {
    if (options.profile) {
      throw new ConfigError(`Profile "${options.profile}" was asked for, but no rc file was found; create .mqrc.json or ~/.config/mq/config.json with a "profiles" section.`);
    }
    return undefined;
  }
  const content = (found.config ?? {}) as unknown;
  const { layer, profile } = selectProfile(content, found.filepath, options.profile);
  const decode = layer.decode;
  delete layer.decode;
  const warnings = [];
  if (holdsPassword(content) && isGroupOrWorldReadable(found.filepath)) {
    warnings.push(`${found.filepath} holds a password and is readable by other users; run: chmod 600 ${found.filepath}`);
  }
  // Relative certificate paths are relative to the rc file, not to wherever mq is run.
  const dir = path.dirname(found.filepath);
  for (const spec of SETTINGS) {
    const value = layer[spec.key];
    if (spec.path && typeof value === 'string' && !path.isAbsolute(value)) layer[spec.key] = path.resolve(dir, value);
  }
  return { layer, file: found.filepath, ...(profile ? { profile } : {}), ...(decode !== undefined ? { decode } : {}), warnings };
}

/**
 * The profile names of the rc file loadRc would load (for shell completion). Never throws: a
 * missing, unreadable or broken rc file has no profiles.
 */
export async function rcProfileNames(options: { cwd: string; explicitPath?: string }): Promise<string[]> {
  try {
    const found = await findRc(options.cwd, options.explicitPath);
    const profiles = (found?.config as RcContent | null | undefined)?.profiles;
    return typeof profiles === 'object' && profiles !== null && !Array.isArray(profiles) ? Object.keys(profiles) : [];
  } catch {
    return [];
  }
}

/** Validate an rc file's content and merge the chosen profile over its top level. Pure. */
export function selectProfile(content: unknown, file: string, requested?: string): { layer: RawLayer; profile?: string } {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ConfigError(`${file}: the rc file must hold an object of settings.`);
  }
  const { profiles, defaultProfile, ...top } = content as RcContent;
  checkKeys(top, file);
  if (profiles !== undefined && (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles))) {
    throw new ConfigError(`${file}: "profiles" must be an object of named profiles.`);
  }
  if (defaultProfile !== undefined && typeof defaultProfile !== 'string') {
    throw new ConfigError(`${file}: "defaultProfile" must be the name of a profile.`);
  }
  for (const [name, values] of Object.entries(profiles ?? {})) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ConfigError(`${file}: profile "${name}" must be an object of settings.`);
    }
    checkKeys(values, file, name);
  }
  const name = requested ?? defaultProfile;
  if (name === undefined) return { layer: { ...top } };
  const chosen = profiles?.[name];
  if (!chosen) {
    const known = Object.keys(profiles ?? {});
    const via = requested ? '' : ' (its defaultProfile)';
    throw new ConfigError(`Unknown profile "${name}"${via} in ${file}; ${known.length ? `known profiles: ${known.join(', ')}` : 'it defines no profiles'}.`);
  }
  // The profile wins over the top level, its URL included: in one merged layer a top-level `host`
  // would beat the profile's URL (a layer's own keys win over its URL), so the top-level keys that
  // the profile's URL sets are dropped first.
  const base = { ...top };
  if (typeof chosen.url === 'string') {
    const url = parseUrl(chosen.url, `${file} (profile "${name}"), key "url"`);
    const fromUrl = { host: url.host, port: url.port, username: url.username, password: url.password };
    for (const [key, value] of Object.entries(fromUrl)) if (value !== undefined) delete base[key];
    delete base.ws;
  }
  return { layer: { ...base, ...chosen }, profile: name };
}

function checkKeys(values: Record<string, unknown>, file: string, profile?: string): void {
  for (const key of Object.keys(values)) {
    if (!RC_KEYS.includes(key) && !RC_COMMAND_KEYS.includes(key)) {
      const where = profile ? `profile "${profile}"` : 'the top level';
      const near = closest(key, [...RC_KEYS, ...RC_COMMAND_KEYS]);
      throw new ConfigError(`${file}: unknown key "${key}" in ${where}${near ? `; did you mean "${near}"?` : ''} (known keys: ${[...RC_KEYS, ...RC_COMMAND_KEYS].join(', ')}, profiles, defaultProfile).`);
    }
  }
}

function holdsPassword(content: unknown): boolean {
  const rc = content as RcContent;
  const hasSecret = (v: Record<string, unknown>) => v.password !== undefined || (typeof v.url === 'string' && /:\/\/[^/@]*:[^/@]*@/.test(v.url));
  return hasSecret(rc) || Object.values(rc.profiles ?? {}).some(hasSecret);
}

function isGroupOrWorldReadable(file: string): boolean {
  try {
    return (statSync(file).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
