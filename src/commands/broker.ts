import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule, Context } from '../context.js';
import { ConfigError } from '../errors.js';
import { loadPasswordTable, type PasswordTable } from '../broker/auth.js';
import { timestamp } from '../broker/log.js';
import { LOG_TYPE_NAMES, type LogType } from '../broker/log-types.js';
import { parseMosquittoConf, type MosquittoConf } from '../broker/mosquitto-conf.js';
import { isLoopback, resolveBrokerSettings, type BrokerArgs, type BrokerSettings } from '../broker/settings.js';
import { describeFsError } from '../passwd/file.js';

interface Args extends BrokerArgs {
  configFile?: string;
}

const command: CommandModule<Args> = {
  command: 'broker',
  describe: 'Run an MQTT broker for local work',
  builder: (yargs) =>
    yargs
      .usage('$0 broker [options]\n\nRun an MQTT 3.1, 3.1.1 and 5 broker (aedes) for local work. Retained messages and QoS 1/2 sessions\n' +
        'are kept in memory only: they are lost when the broker stops. SIGHUP reloads the password file.')
      .option('port', { alias: 'p', type: 'string', describe: 'Port of the MQTT listener (0 picks a free one)', defaultDescription: '1883' })
      .option('host', { type: 'string', describe: 'Address to listen on; 0.0.0.0 opens it to the network', defaultDescription: '127.0.0.1 (this machine only)' })
      .option('password-file', { type: 'string', normalize: true, describe: 'mosquitto password file ($6$, $7$, argon2id; made by mq passwd or mosquitto_passwd)' })
      .option('allow-anonymous', { type: 'boolean', describe: 'Let clients in without a username (--allow-anonymous false to refuse them)', defaultDescription: 'on only without --password-file' })
      .option('cert', { type: 'string', normalize: true, group: 'TLS:', describe: 'Server certificate (PEM); with --key adds a TLS listener' })
      .option('key', { type: 'string', normalize: true, group: 'TLS:', describe: 'Private key of the server certificate (PEM)' })
      .option('cafile', { type: 'string', normalize: true, group: 'TLS:', describe: 'Require client certificates signed by this CA (mutual TLS)' })
      .option('tls-port', { type: 'string', group: 'TLS:', describe: 'Port of the TLS listener', defaultDescription: '8883' })
      .option('ws-port', { type: 'string', describe: 'Also listen for MQTT over WebSocket on this port' })
      .option('max-connections', { type: 'string', group: 'Limits:', describe: 'Connections each listener takes at once; more are closed at once (-1 = no limit)', defaultDescription: 'no limit' })
      .option('max-packet-size', { type: 'string', group: 'Limits:', describe: 'Largest packet a client may send, in bytes; a larger one disconnects it (0 = no limit)', defaultDescription: 'no limit' })
      .option('max-inflight-messages', { type: 'string', group: 'Limits:', describe: 'QoS 2 messages a client may have in flight; one more disconnects it (0 = no limit)', defaultDescription: '20' })
      .option('connect-timeout', { type: 'string', group: 'Limits:', describe: 'Seconds a new connection has to send its CONNECT', defaultDescription: '10' })
      .option('config-file', { alias: 'c', type: 'string', normalize: true, describe: 'Read listener, allow_anonymous, password_file, certfile/keyfile/cafile, max_* limits and log_type from a mosquitto.conf' })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'Log connects, disconnects, subscriptions and refused logins on stderr (every log type but debug)' })
      .option('log-type', {
        type: 'string', array: true, nargs: 1, choices: LOG_TYPE_NAMES,
        describe: "Log this mosquitto log_type on stderr (repeatable); debug adds mosquitto's line for every MQTT packet",
      })
      .example('$0 broker', 'A broker on 127.0.0.1:1883 for anyone on this machine')
      .example('$0 passwd -c users.txt alice && $0 broker --password-file users.txt -v', 'Only alice may connect; log who comes and goes')
      .example('$0 broker --cert server.crt --key server.key --ws-port 8080', 'Also TLS on 8883 and WebSocket on 8080')
      .example('$0 broker -c /etc/mosquitto/mosquitto.conf', 'The listeners and users of an existing mosquitto setup')
      .example('$0 broker --log-type all', "Log every packet in mosquitto's words, as log_type all does"),

  async run(args, ctx) {
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
    // Loaded here, not at the top: `mq broker --help` must not load aedes.
    const { startBroker } = await import('../broker/server.js');
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
  },
};
export default command;

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
    listeners: settings.listeners.map((listener) => listener.tls
      ? {
          ...listener,
          tls: {
            ...listener.tls,
            certFile: abs(listener.tls.certFile),
            keyFile: abs(listener.tls.keyFile),
            ...(listener.tls.caFile !== undefined ? { caFile: abs(listener.tls.caFile) } : {}),
          },
        }
      : listener),
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
