import type { Argv } from 'yargs';
import type { RawLayer } from './resolve.js';

/**
 * Flags shared by every network command (pub, sub, rr, bench), named as mosquitto names them.
 * No yargs `default:` for anything env or rc can set: resolve.ts applies defaults, so it can
 * tell a flag from a default. Help is --help only: -h is the host, as in mosquitto.
 * `omit` leaves out options whose letters a command uses otherwise (bench: -c clients, -I interval).
 */
export function withConnectionOptions<T>(yargs: Argv<T>, omit: readonly string[] = []) {
  const group = 'Connection:';
  const tls = 'TLS:';
  const will = 'Will:';
  const declared = (omit.length > 0 ? skipOptions(yargs, omit) : yargs)
    .option('host', { alias: 'h', type: 'string', group, describe: 'Broker host', defaultDescription: 'localhost' })
    .option('port', { alias: 'p', type: 'string', group, describe: 'Broker port', defaultDescription: '1883, 8883 with TLS' })
    .option('url', { alias: 'L', type: 'string', group, describe: 'mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://' })
    .option('ws', { type: 'boolean', group, describe: 'Use the WebSocket transport' })
    .option('unix', { type: 'string', group, describe: 'Connect through this unix socket', normalize: true })
    .option('username', { alias: 'u', type: 'string', group, describe: 'Username' })
    .option('pw', { alias: 'P', type: 'string', group, describe: 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)' })
    .option('password-file', { type: 'string', group, describe: 'Read the password from the first line of this file', normalize: true })
    .option('id', { alias: 'i', type: 'string', group, describe: 'Client id', defaultDescription: 'assigned by the broker' })
    .option('id-prefix', { alias: 'I', type: 'string', group, describe: 'Client id prefix; the process id is appended' })
    .option('keepalive', { alias: 'k', type: 'string', group, describe: 'Keepalive in seconds (5-65535)', defaultDescription: '60' })
    .option('disable-clean-session', { alias: 'c', type: 'boolean', group, describe: 'Keep the session after disconnecting (needs -i)' })
    .option('session-expiry', { alias: 'x', type: 'string', group, describe: 'Session expiry interval in seconds (v5; -1 = never)' })
    .option('protocol-version', { alias: 'V', type: 'string', group, describe: 'MQTT version: 31, 311 or 5', defaultDescription: '311' })
    .option('A', { type: 'string', group, describe: 'Bind the local socket to this address' })
    .option('nodelay', { type: 'boolean', group, describe: 'Disable Nagle\'s algorithm (TCP_NODELAY)' })
    .option('proxy', { type: 'string', group, describe: 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]' })
    .option('property', { alias: 'D', type: 'string', array: true, group, describe: 'MQTT v5 property: -D <command> <name> <value>' })
    .option('connect-timeout', { type: 'string', group, describe: 'Seconds to wait for the broker to accept', defaultDescription: '10' })
    .option('profile', { type: 'string', group, describe: 'Use this profile from the rc file' })
    .option('config', { type: 'string', group, describe: 'Load this rc file instead of searching for one', normalize: true })
    .option('o', { type: 'string', group, describe: 'Read options from a file, one option and its value per line (mosquitto 2.1)' })
    .option('cafile', { type: 'string', group: tls, describe: 'CA certificates to trust (enables TLS)', normalize: true })
    .option('capath', { type: 'string', group: tls, describe: 'Folder of CA certificates to trust (enables TLS)', normalize: true })
    .option('cert', { type: 'string', group: tls, describe: 'Client certificate (PEM)', normalize: true })
    .option('key', { type: 'string', group: tls, describe: 'Client private key (PEM)', normalize: true })
    .option('insecure', { type: 'boolean', group: tls, describe: 'Do not verify the server certificate' })
    .option('tls-version', { type: 'string', group: tls, describe: 'tlsv1.3, tlsv1.2 or tlsv1.1' })
    .option('tls-use-os-certs', { type: 'boolean', group: tls, describe: 'Trust the system CA store (the default without --cafile)' })
    .option('ciphers', { type: 'string', group: tls, describe: 'OpenSSL cipher list' })
    .option('tls-alpn', { type: 'string', group: tls, describe: 'ALPN protocol to offer' })
    .option('servername', { type: 'string', group: tls, describe: 'Server name to send (SNI) and verify' })
    .option('will-topic', { type: 'string', group: will, describe: 'Topic of the will message' })
    .option('will-payload', { type: 'string', group: will, describe: 'Payload of the will message' })
    .option('will-qos', { type: 'string', group: will, describe: 'QoS of the will message', defaultDescription: '0' })
    .option('will-retain', { type: 'boolean', group: will, describe: 'Retain the will message' });
  // yargs methods return the instance itself; hand back the real one, not the filtering view.
  return yargs as unknown as typeof declared;
}

/**
 * `yargs` whose .option() skips the named options. Every other method runs on (and returns) the
 * real instance: yargs keeps private state that a proxy cannot stand in for.
 */
function skipOptions<T>(yargs: Argv<T>, omit: readonly string[]): Argv<T> {
  const view: Argv<T> = new Proxy(yargs, {
    get(target, property) {
      if (property === 'option') {
        return (key: string, definition: object) => {
          if (!omit.includes(key)) (target as unknown as { option(k: string, d: object): unknown }).option(key, definition);
          return view;
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return view;
}

/** Flags every command has, network or not. */
export function withGlobalOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('debug', { alias: 'd', type: 'boolean', describe: 'Trace MQTT packets and show stack traces on stderr' })
    .option('quiet', { type: 'boolean', describe: 'Print no warnings or status, only errors' });
}

/** The parsed connection flags, as yargs gives them. */
export interface ConnectionArgs {
  host?: string;
  port?: string;
  url?: string;
  ws?: boolean;
  unix?: string;
  username?: string;
  pw?: string;
  passwordFile?: string;
  id?: string;
  idPrefix?: string;
  keepalive?: string;
  disableCleanSession?: boolean;
  sessionExpiry?: string;
  protocolVersion?: string;
  A?: string;
  nodelay?: boolean;
  proxy?: string;
  property?: string[] | string[][];
  connectTimeout?: string;
  profile?: string;
  config?: string;
  cafile?: string;
  capath?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  tlsVersion?: string;
  tlsUseOsCerts?: boolean;
  ciphers?: string;
  tlsAlpn?: string;
  servername?: string;
  willTopic?: string;
  willPayload?: string;
  willQos?: string;
  willRetain?: boolean;
  debug?: boolean;
  quiet?: boolean;
}

/** The flag layer for resolve.ts. `-P` without a value means "prompt", handled by the factory. */
export function flagsLayer(args: ConnectionArgs): RawLayer {
  return {
    url: args.url,
    ws: args.ws,
    host: args.host,
    port: args.port,
    unix: args.unix,
    username: args.username,
    password: args.pw === '' ? undefined : args.pw,
    clientId: args.id,
    idPrefix: args.idPrefix,
    keepalive: args.keepalive,
    protocolVersion: args.protocolVersion,
    cafile: args.cafile,
    capath: args.capath,
    cert: args.cert,
    key: args.key,
    insecure: args.insecure,
    tlsVersion: args.tlsVersion,
    ciphers: args.ciphers,
    alpn: args.tlsAlpn,
    servername: args.servername,
    proxy: args.proxy,
    bindAddress: args.A,
    nodelay: args.nodelay,
    connectTimeout: args.connectTimeout,
  };
}
