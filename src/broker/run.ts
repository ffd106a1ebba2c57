import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { ConfigError } from '../errors.js';
import { describeFsError } from '../passwd/file.js';
import { loadPasswordTable, type PasswordTable } from './auth.js';
import { timestamp } from './log.js';
import type { LogType } from './log-types.js';
import { parseMosquittoConf, type MosquittoConf } from './mosquitto-conf.js';
import { startBroker } from './server.js';
import { isLoopback, resolveBrokerSettings, type BrokerArgs, type BrokerSettings } from './settings.js';

export interface BrokerRunArgs extends BrokerArgs {
  configFile?: string;
}

/**
 * `mq broker`: read the config and password files, start the listeners, reload the password file
 * on SIGHUP, and stop cleanly on SIGINT/SIGTERM.
 */
export async function runBroker(args: BrokerRunArgs, ctx: Context): Promise<void> {
  const cwd = ctx.io.cwd();
  const conf = args.configFile !== undefined ? await readConf(path.resolve(cwd, args.configFile)) : undefined;
  for (const warning of conf?.warnings ?? []) ctx.ui.warn(warning);
  const settings = absolutePaths(resolveBrokerSettings(args, conf), cwd);
  const passwordFile = settings.passwordFile;
  const table = passwordFile !== undefined ? await loadPasswordTable(passwordFile) : undefined;
  for (const warning of table?.warnings ?? []) ctx.ui.warn(warning);
  warnAboutAccess(settings, table, ctx);

  const logTypes = new Set(settings.logTypes);
  const log = (line: string, type: LogType = 'notice') => {
    if (logTypes.has(type)) ctx.io.stderr.write(timestamp(Date.now()) + line + '\n');
  };
  const broker = await startBroker({ settings, table, log });
  ctx.ui.info(statusLine(broker.listeners.map((l) => l.url), settings, table));

  // SIGHUP reloads the password file; one reload at a time, in the order they were asked for.
  let reloading: Promise<void> = Promise.resolve();
  const onHangup = () => {
    reloading = reloading.then(async () => {
      if (passwordFile === undefined) {
        ctx.ui.info('SIGHUP: there is no password file to reload.');
        return;
      }
      try {
        const next = await loadPasswordTable(passwordFile);
        for (const warning of next.warnings) ctx.ui.warn(warning);
        const { disconnected } = await broker.setPasswordTable(next);
        ctx.ui.info(`Reloaded ${passwordFile}: ${plural(next.users.size, 'user')}` +
          (disconnected > 0 ? `; disconnected ${plural(disconnected, 'client')} it no longer lets in.` : '.'));
      } catch (error) {
        ctx.ui.error(`Could not reload the password file: ${error instanceof Error ? error.message : String(error)} The previous users stay in force.`);
      }
    });
  };
  ctx.io.on('SIGHUP', onHangup);
  try {
    const signal = await ctx.interrupted();
    log(`Shutting down (${signal}).`);
  } finally {
    ctx.io.off('SIGHUP', onHangup);
    await reloading;
    await broker.close();
  }
}


async function readConf(file: string): Promise<MosquittoConf> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${describeFsError(error)}.`, { cause: error });
  }
  return parseMosquittoConf(text, file);
}

/**
 * Files named by flags or a mosquitto.conf, relative to the working directory (as mosquitto reads
 * its config), so messages and the SIGHUP reload name one exact file.
 */
function absolutePaths(settings: BrokerSettings, cwd: string): BrokerSettings {
  const abs = (file: string) => path.resolve(cwd, file);
  return {
    ...settings,
    ...(settings.passwordFile !== undefined ? { passwordFile: abs(settings.passwordFile) } : {}),
    listeners: settings.listeners.map((listener) => ({
      ...listener,
      ...(listener.tls ? {
        tls: {
          ...listener.tls,
          certFile: abs(listener.tls.certFile),
          keyFile: abs(listener.tls.keyFile),
          ...(listener.tls.caFile !== undefined ? { caFile: abs(listener.tls.caFile) } : {}),
        },
      } : {}),
      ...(listener.psk ? { psk: { ...listener.psk, file: abs(listener.psk.file) } } : {}),
    })),
  };
}

function warnAboutAccess(settings: BrokerSettings, table: PasswordTable | undefined, ctx: Context): void {
  const exposed = settings.listeners.filter((l) => !isLoopback(l.host));
  if (settings.allowAnonymous && exposed.length > 0) {
    const where = exposed[0]!.host ?? 'every interface';
    ctx.ui.warn(`Listening on ${where} with anonymous access on: anyone who can reach this machine can publish and subscribe. ` +
      'Add users with mq passwd -c FILE USER and start with --password-file FILE.');
  }
  if (!settings.allowAnonymous && (!table || table.users.size === 0)) {
    ctx.ui.warn(table
      ? `${table.file} has no users and anonymous access is off: every connection will be refused. Add one with mq passwd ${table.file} USER.`
      : 'Anonymous access is off and there is no password file: every connection will be refused.');
  }
}

function statusLine(urls: string[], settings: BrokerSettings, table: PasswordTable | undefined): string {
  const access = table
    ? `${plural(table.users.size, 'user')} from ${table.file}, anonymous ${settings.allowAnonymous ? 'on' : 'off'}`
    : `anonymous ${settings.allowAnonymous ? 'on' : 'off'}`;
  return `mq broker listening on ${urls.join(', ')} (${access}; Ctrl-C stops it)`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
