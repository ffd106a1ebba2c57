import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Io } from '../io.js';
import { ConfigError, UsageError } from '../errors.js';
import { promptSecret } from '../prompt.js';
import { readEnv } from './env.js';
import type { Connection, ConnectOptions } from './connect.js';
import { flagsLayer, type ConnectionArgs } from './options.js';
import { parseProperties, type Properties } from './properties.js';
import { loadRc } from './rc.js';
import { resolveConnection, type RawLayer, type Resolved } from './resolve.js';
import { sessionOptions } from './session.js';
import type { ConnectionSettings } from './settings.js';
import type { Ui } from '../ui.js';

/** What resolving and connecting need of the command's context. */
export interface ConnectionContext {
  io: Io;
  env: Record<string, string | undefined>;
  ui: Ui;
  /** The connection settings of mosquitto's default options file for this command, when one was read. */
  optionsFile?: { file: string; layer: RawLayer };
}

/** Settings resolved, not yet connected: commands check their own flags against them in between. */
export interface PreparedConnection {
  resolved: Resolved;
  settings: ConnectionSettings;
  properties: Properties;
  connect(options?: ConnectOptions): Promise<Connection>;
}

/**
 * Step one of a connection (ctx.connect): parse -D, resolve flags > env > rc > defaults (-D and -x
 * mean v5, as in mosquitto). Step two, `connect()`, validates the session flags and connects.
 */
export async function prepareConnection(
  args: ConnectionArgs,
  ctx: ConnectionContext,
  defaults?: Partial<ConnectionSettings>,
): Promise<PreparedConnection> {
  const properties = parseProperties(args.property as string[] | undefined);
  const resolved = await resolveSettings(args, ctx, defaults ? { defaults } : {});
  return {
    resolved,
    settings: resolved.settings,
    properties,
    async connect(options: ConnectOptions = {}) {
      const session = sessionOptions(args, resolved, properties, { receiveMaximum: options.receiveMaximum, pid: process.pid });
      // Loaded only now: resolving settings (mq config) must not load MQTT.js.
      const { connect } = await import('./connect.js');
      return connect(resolved.settings, session, ctx.ui, options);
    },
  };
}

/**
 * Gather the layers (flags, MQ_* variables, rc file) and resolve them. The I/O around the pure
 * resolver: rc loading, the password file and the masked prompt.
 */
export async function resolveSettings(
  args: ConnectionArgs,
  ctx: ConnectionContext,
  options: { defaults?: Partial<ConnectionSettings>; prompt?: boolean } = {},
): Promise<Resolved> {
  refuseEngines(args);
  const env = readEnv(ctx.env);
  const rc = await loadRc({ cwd: ctx.io.cwd(), explicitPath: args.config ?? env.config, profile: args.profile ?? env.profile });
  for (const warning of rc?.warnings ?? []) ctx.ui.warn(warning);
  const flags = flagsLayer(args);
  if (args.passwordFile !== undefined) flags.password = await readPasswordFile(args.passwordFile, ctx);
  const resolved = resolveConnection({
    flags,
    env: env.layer,
    ...(rc ? { rc: { layer: rc.layer, file: rc.file, ...(rc.profile ? { profile: rc.profile } : {}) } } : {}),
    ...(ctx.optionsFile ? { optionsFile: ctx.optionsFile } : {}),
    ...(options.defaults ? { defaults: options.defaults } : {}),
    // -D and -x mean MQTT v5 unless -V says otherwise, as in mosquitto (2.1 for -x).
    ...(args.property !== undefined ? { forceV5: '-D' as const } : args.sessionExpiry !== undefined ? { forceV5: '-x' as const } : {}),
  });
  if (rc?.decode !== undefined) resolved.rcDecode = { value: rc.decode, file: rc.file };
  if (args.passwordFile !== undefined) resolved.sources.password = { kind: 'flag', flag: '--password-file' };
  if (args.pw === '' && options.prompt !== false) {
    if (!ctx.io.stdin.isTTY) {
      throw new UsageError('-P was given without a password and standard input is not a terminal; give -P PASSWORD, MQ_PASSWORD or --password-file FILE.');
    }
    resolved.settings.password = await promptSecret(ctx.io, 'Password: ');
    resolved.sources.password = { kind: 'flag', flag: '-P (prompt)' };
  }
  if (args.keyform !== undefined && resolved.settings.key === undefined) {
    throw new UsageError('--keyform was given without --key: it says the format of the key file.');
  }
  if (resolved.settings.srv) {
    const { applySrv, systemResolver } = await import('./srv.js');
    await applySrv(resolved, systemResolver(ctx.env.MQ_DNS_SERVERS));
  }
  return resolved;
}

const NO_ENGINES = "Node's TLS has no OpenSSL engine support; use --key with a PEM file";

/** mosquitto's OpenSSL engine options: known by name, refused with the reason (exit 1). */
function refuseEngines(args: ConnectionArgs): void {
  if (args.tlsEngine !== undefined) throw new UsageError(`--tls-engine is not supported: ${NO_ENGINES}.`);
  if (args.tlsEngineKpassSha1 !== undefined) throw new UsageError(`--tls-engine-kpass-sha1 is not supported: it unlocks an OpenSSL engine key, and ${NO_ENGINES}.`);
  if (args.keyform !== undefined) {
    const form = String(args.keyform).toLowerCase();
    if (form === 'engine') throw new UsageError(`--keyform engine is not supported: ${NO_ENGINES}.`);
    if (form !== 'pem') throw new UsageError(`Invalid --keyform "${String(args.keyform)}": use pem (engine is not supported: ${NO_ENGINES}).`);
  }
}

async function readPasswordFile(file: string, ctx: ConnectionContext): Promise<string> {
  const full = path.resolve(ctx.io.cwd(), file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
    if ((statSync(full).mode & 0o044) !== 0) ctx.ui.warn(`${file} holds a password and is readable by other users; run: chmod 600 ${file}`);
  } catch (error) {
    throw new ConfigError(`Cannot read --password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first === '') throw new ConfigError(`--password-file ${file} is empty: its first line should be the password.`);
  return first;
}
