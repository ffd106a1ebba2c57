import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type tls from 'node:tls';
import type { IClientOptions } from 'mqtt';
import { UsageError } from '../errors.js';
import { MessageIds, MessageStore } from './message-store.js';
import { keepaliveTimer } from './keepalive-timer.js';
import type { ConnectionArgs } from './options.js';
import type { Properties } from './properties.js';
import type { Resolved, Source } from './resolve.js';
import { pskBytes, type ConnectionSettings } from './settings.js';

/**
 * PURE: what a session asks of the broker (client id, clean session, will, expiry), checked against
 * the resolved settings, and the MQTT.js options for a connection. No I/O: TLS material comes in read.
 */

/** What a session asks of the broker beyond where to connect: flags only, validated by sessionOptions(). */
export interface SessionOptions {
  clientId: string;
  clean: boolean;
  /** v5 session expiry interval, when one is sent. */
  sessionExpiry?: number;
  will?: { topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean };
  properties: Properties;
  /** v5 receive-maximum (mosquitto sends 20, or -C N when N < 20). */
  receiveMaximum?: number;
}

/** Flag checks that need the resolved settings (client id, clean session, will, v3 credentials). Pure but for `pid`. */
export function sessionOptions(
  args: ConnectionArgs,
  resolved: Resolved,
  properties: Properties,
  extra: { receiveMaximum?: number | undefined; pid: number },
): SessionOptions {
  const { settings, sources } = resolved;
  const v5 = settings.protocolVersion === 5;
  if (args.id === '') throw new UsageError('Invalid client id: -i needs a non-empty id (omit it to let the broker assign one).');
  if (args.id !== undefined && args.idPrefix !== undefined) throw new UsageError('-i and -I cannot be used together.');
  if (settings.password !== undefined && settings.username === undefined && !v5) {
    throw new UsageError('A password was given without a username; MQTT 3.1.1 needs -u as well (or use -V 5).');
  }
  // -i and -I can come from different layers: the higher layer wins, as for every setting.
  const usePrefix = settings.idPrefix !== undefined && (settings.clientId === undefined || rank(sources.idPrefix) < rank(sources.clientId));
  let clientId = usePrefix ? `${settings.idPrefix}${extra.pid}` : settings.clientId ?? '';
  // MQTT 3.1 does not allow an empty id; mosquitto sends mosq- and 18 random characters.
  if (clientId === '' && settings.protocolVersion === 3) clientId = `mosq-${randomId(18)}`;

  const clean = !args.disableCleanSession;
  let sessionExpiry = args.sessionExpiry !== undefined ? parseSessionExpiry(args.sessionExpiry) : undefined;
  if (!clean) {
    if (!v5 && clientId === '') throw new UsageError('You must provide a client id (-i) if you are using the -c option.');
    if (v5) {
      sessionExpiry ??= 0xffffffff;
      if (sessionExpiry === 0xffffffff && clientId === '') {
        throw new UsageError('You must provide a client id (-i) if you are using an infinite session expiry interval.');
      }
    }
  }

  let will: SessionOptions['will'];
  if (args.willTopic !== undefined) {
    if (/[+#]/.test(args.willTopic) || args.willTopic === '') throw new UsageError(`Invalid will topic '${args.willTopic}', does it contain '+' or '#'?`);
    const qos = Number(args.willQos ?? 0);
    if (![0, 1, 2].includes(qos) || !/^\d+$/.test(String(args.willQos ?? 0))) throw new UsageError(`Invalid will QoS ${args.willQos}: use 0, 1 or 2.`);
    will = { topic: args.willTopic, payload: Buffer.from(args.willPayload ?? '', 'utf8'), qos: qos as 0 | 1 | 2, retain: Boolean(args.willRetain) };
  } else if (args.willPayload !== undefined) {
    throw new UsageError('Will payload given, but no will topic given (--will-topic).');
  } else if (args.willRetain) {
    throw new UsageError('Will retain given, but no will topic given (--will-topic).');
  }
  return {
    clientId,
    clean,
    ...(sessionExpiry !== undefined ? { sessionExpiry } : {}),
    ...(will ? { will } : {}),
    properties,
    ...(extra.receiveMaximum !== undefined ? { receiveMaximum: extra.receiveMaximum } : {}),
  };
}

/** `-x`: strtol base 0 as mosquitto (0x10 hex, 010 octal), -1 or ∞ for "never expires". */
export function parseSessionExpiry(text: string): number {
  if (text === '∞' || text === '-1') return 0xffffffff;
  const t = text.trim();
  const value = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(value)) throw new UsageError(`-x: session-expiry-interval "${text}" is not a number.`);
  if (value > 0xffffffff) throw new UsageError(`-x: session-expiry-interval ${text} is out of range (0 to 4294967295, or -1).`);
  return value;
}

const RANK = { flag: 0, srv: 0, env: 1, rc: 2, 'options-file': 3, default: 4 } as const;
function rank(source: Source | undefined): number {
  return source ? RANK[source.kind] : RANK.default;
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** MQTT.js options for these settings. Pure: TLS material is passed in, already read. */
export function clientOptions(settings: ConnectionSettings, session: SessionOptions, tlsFiles: TlsFiles = {}): IClientOptions {
  const v5 = settings.protocolVersion === 5;
  const connectProperties: Record<string, unknown> = { ...(session.properties.connect ?? {}) };
  if (v5) {
    if (session.sessionExpiry !== undefined) connectProperties.sessionExpiryInterval ??= session.sessionExpiry;
    if (session.receiveMaximum !== undefined) connectProperties.receiveMaximum ??= session.receiveMaximum;
  }
  const options: IClientOptions = {
    protocol: settings.transport,
    host: settings.host,
    port: settings.port,
    protocolVersion: settings.protocolVersion,
    protocolId: settings.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    clientId: session.clientId,
    clean: session.clean,
    keepalive: settings.keepalive,
    reconnectPeriod: 0,
    connectTimeout: (settings.connectTimeout + 5) * 1000,
    queueQoSZero: false,
    resubscribe: true,
    // Listeners (the -d trace) are attached before the CONNECT goes out.
    manualConnect: true,
    // MQTT.js's Map/Set-based ones make every in-flight packet outlive the young generation (see message-store.ts).
    messageIdProvider: new MessageIds(),
    outgoingStore: new MessageStore(),
    // Otherwise mqtt-packet builds 65,536 two-byte Buffers at the first packet (about 7 MB that never
    // go away, and 20 ms of a one-message run) to save a 2-byte allocation per packet.
    writeCache: false,
    // MQTT.js clears and sets its ping interval at every acknowledgement; this one moves a deadline.
    timerVariant: keepaliveTimer(),
  };
  if (settings.username !== undefined) options.username = settings.username;
  if (settings.password !== undefined) options.password = settings.password;
  if (v5 && Object.keys(connectProperties).length > 0) options.properties = connectProperties as IClientOptions['properties'];
  if (session.will) {
    options.will = {
      ...session.will,
      ...(v5 && session.properties.will ? { properties: session.properties.will as never } : {}),
    };
  }
  if (settings.transport === 'ws' || settings.transport === 'wss') options.path = '/mqtt';
  if (settings.transport === 'mqtts' || settings.transport === 'wss') {
    Object.assign(options, tlsOptions(settings, tlsFiles));
  }
  if (settings.proxy !== undefined) options.socksProxy = settings.proxy;
  return options;
}

export interface TlsFiles {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

function tlsOptions(settings: ConnectionSettings, files: TlsFiles): tls.ConnectionOptions {
  const version = settings.tlsVersion ? (`TLSv${settings.tlsVersion.slice(4)}` as tls.SecureVersion) : undefined;
  const psk = settings.psk !== undefined ? pskOptions(settings.psk, settings.pskIdentity ?? '') : {};
  return {
    ...(files.ca ? { ca: files.ca } : {}),
    ...(files.cert ? { cert: files.cert } : {}),
    ...(files.key ? { key: files.key } : {}),
    rejectUnauthorized: !settings.insecure,
    ...(settings.servername !== undefined ? { servername: settings.servername } : net.isIP(settings.host) === 0 ? { servername: settings.host } : {}),
    ...(settings.alpn !== undefined ? { ALPNProtocols: [settings.alpn] } : {}),
    ...psk,
    ...(settings.ciphers !== undefined ? { ciphers: settings.ciphers } : {}),
    ...(version ? { minVersion: version, maxVersion: version } : {}),
  };
}

/**
 * TLS-PSK (--psk, --psk-identity): the key and identity through Node's pskCallback. Under TLS 1.2
 * only PSK cipher suites are offered, as mosquitto does (--ciphers still wins); there is no
 * certificate to check.
 */
function pskOptions(hex: string, identity: string): tls.ConnectionOptions {
  const psk = pskBytes(hex);
  return {
    pskCallback: () => ({ psk, identity }),
    ciphers: 'PSK',
    checkServerIdentity: () => undefined,
  };
}

