import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Context } from '../context.js';
import { ConfigError, ConnectionError, ConnectionLostError, UsageError } from '../errors.js';
import type { Ui } from '../ui.js';
import { brokerLabel, toMqError } from './errors.js';
import { MessageIds, MessageStore } from './message-store.js';
import type { ConnectionArgs } from './options.js';
import { resolveSettings } from './prepare.js';
import { parseProperties, type Properties } from './properties.js';
import type { Resolved, Source } from './resolve.js';
import type { ConnectionSettings } from './settings.js';
import { describePacket, type TracePacket } from './trace.js';

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

/** A connected client and how it can fail from now on. */
export interface Connection {
  client: MqttClient;
  settings: ConnectionSettings;
  session: SessionOptions;
  /** The id the broker knows us by (assigned by a v5 broker when we sent an empty one). */
  clientId(): string;
  /**
   * Rejects, with the MqError to exit with, when the connection fails for good: a refusal, an
   * error that cannot heal, or any loss when reconnecting is off. Never resolves.
   */
  failed: Promise<never>;
  /**
   * Send DISCONNECT (v5: with this reason code) after the queued packets, and close; bounded in
   * time, so a broker that stopped reading cannot keep the command from exiting.
   */
  close(reasonCode?: number): Promise<void>;
}

export interface ConnectOptions {
  /** Reconnect with backoff after a loss (sub, pub -l, bench). Single-shot commands exit 7 instead. */
  reconnect?: boolean;
  /** Command defaults below flags, env and rc (rr: protocol version 5). */
  defaults?: Partial<ConnectionSettings>;
  receiveMaximum?: number;
  /** Status line while connecting; omit for commands that keep stderr quiet. */
  spinner?: boolean;
  /**
   * Called with the new client before any packet is handled: a persistent session's queued
   * messages arrive right behind the CONNACK, before `connect()` resolves (sub attaches here).
   */
  onClient?: (client: MqttClient) => void;
}

/** Everything a network command does to get a client: resolve, validate, connect, watch. */
export async function openConnection(args: ConnectionArgs, ctx: Context, options: ConnectOptions = {}): Promise<Connection> {
  const prepared = await prepareConnection(args, ctx, options.defaults);
  return prepared.connect(options);
}

/** Settings resolved, not yet connected: commands check their own flags against them in between. */
export interface PreparedConnection {
  resolved: Resolved;
  settings: ConnectionSettings;
  properties: Properties;
  connect(options?: ConnectOptions): Promise<Connection>;
}

/**
 * Step one of openConnection: parse -D, resolve flags > env > rc > defaults (-D and -x mean v5, as
 * in mosquitto). Step two, `connect()`, validates the session flags and connects.
 */
export async function prepareConnection(
  args: ConnectionArgs,
  ctx: Context,
  defaults?: Partial<ConnectionSettings>,
): Promise<PreparedConnection> {
  const properties = parseProperties(args.property as string[] | undefined);
  const resolved = await resolveSettings(args, ctx, defaults ? { defaults } : {});
  return {
    resolved,
    settings: resolved.settings,
    properties,
    connect(options: ConnectOptions = {}) {
      const session = sessionOptions(args, resolved, properties, { receiveMaximum: options.receiveMaximum, pid: process.pid });
      return connect(resolved.settings, session, ctx.ui, options);
    },
  };
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

const RANK = { flag: 0, env: 1, rc: 2, default: 3 } as const;
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
  return {
    ...(files.ca ? { ca: files.ca } : {}),
    ...(files.cert ? { cert: files.cert } : {}),
    ...(files.key ? { key: files.key } : {}),
    rejectUnauthorized: !settings.insecure,
    ...(settings.servername !== undefined ? { servername: settings.servername } : net.isIP(settings.host) === 0 ? { servername: settings.host } : {}),
    ...(settings.alpn !== undefined ? { ALPNProtocols: [settings.alpn] } : {}),
    ...(settings.ciphers !== undefined ? { ciphers: settings.ciphers } : {}),
    ...(version ? { minVersion: version, maxVersion: version } : {}),
  };
}

/** Read --cafile, every certificate in --capath, --cert and --key. A missing file is a ConfigError naming it. */
export async function readTlsFiles(settings: ConnectionSettings): Promise<TlsFiles> {
  if (settings.transport !== 'mqtts' && settings.transport !== 'wss') return {};
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new ConfigError(`Cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
    }
  };
  const files: TlsFiles = {};
  const ca: Buffer[] = [];
  if (settings.cafile) ca.push(await read(settings.cafile, '--cafile'));
  if (settings.capath) {
    let names: string[];
    try {
      names = await readdir(settings.capath);
    } catch {
      throw new ConfigError(`Cannot read --capath ${settings.capath}: not a readable folder.`);
    }
    for (const name of names.filter((n) => /\.(pem|crt|cer)$/i.test(n) || /^[0-9a-f]{8}\.\d+$/i.test(n)).sort()) {
      ca.push(await read(path.join(settings.capath, name), '--capath certificate'));
    }
  }
  if (ca.length > 0) files.ca = ca;
  if (settings.cert) files.cert = await read(settings.cert, '--cert');
  if (settings.key) files.key = await read(settings.key, '--key');
  return files;
}

/** A stream builder for plain TCP, TLS and unix sockets that honours -A and --nodelay. */
function socketBuilder(settings: ConnectionSettings, options: IClientOptions): () => net.Socket {
  const common = {
    ...(settings.bindAddress !== undefined ? { localAddress: settings.bindAddress } : {}),
    noDelay: settings.nodelay,
  };
  if (settings.unix) return () => net.connect({ path: settings.unix! });
  if (settings.transport === 'mqtts') {
    return () => tls.connect({ ...(options as tls.ConnectionOptions), host: settings.host, port: settings.port, ...common });
  }
  return () => net.connect({ host: settings.host, port: settings.port, ...common });
}

/** Create the MQTT.js client for these settings without waiting for it (bench uses this directly). */
export function createClient(settings: ConnectionSettings, session: SessionOptions, tlsFiles: TlsFiles): MqttClient {
  const options = clientOptions(settings, session, tlsFiles);
  const viaMqttJs = settings.transport === 'ws' || settings.transport === 'wss' || settings.proxy !== undefined;
  return viaMqttJs ? mqtt.connect(options) : new mqtt.MqttClient(socketBuilder(settings, options), options);
}

/** Connect and wait for the CONNACK; map every failure to an MqError. */
export async function connect(settings: ConnectionSettings, session: SessionOptions, ui: Ui, options: ConnectOptions = {}): Promise<Connection> {
  const tlsFiles = await readTlsFiles(settings);
  const label = brokerLabel(settings);
  const spinner = options.spinner === false ? undefined : await ui.spinner(`Connecting to ${label}...`);
  const client = createClient(settings, session, tlsFiles);
  options.onClient?.(client);
  let assignedId = session.clientId;
  if (ui.debugEnabled) {
    client.on('packetsend', (packet) => { for (const line of describePacket('send', packet as TracePacket, assignedId)) ui.debug(line); });
    client.on('packetreceive', (packet) => { for (const line of describePacket('receive', packet as TracePacket, assignedId)) ui.debug(line); });
  }
  try {
    await new Promise<void>((resolve, reject) => {
      client.connect();
      const timer = setTimeout(() => {
        finish(new ConnectionError(`Timed out after ${settings.connectTimeout} s waiting for ${label} to accept the connection.`, {
          hint: 'Check the host and port, or raise --connect-timeout.',
        }));
      }, settings.connectTimeout * 1000);
      const onConnect = (connack: { properties?: { assignedClientIdentifier?: string } }) => {
        if (connack.properties?.assignedClientIdentifier) assignedId = connack.properties.assignedClientIdentifier;
        finish();
      };
      const onError = (error: Error) => finish(toMqError(error, settings));
      const onClose = () => finish(new ConnectionError(`${label} closed the connection before accepting it.`, {
        hint: 'Is it an MQTT broker speaking this protocol version (-V)?',
      }));
      const finish = (error?: Error) => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', onError);
        client.off('close', onClose);
        if (error) {
          client.end(true);
          reject(error);
        } else resolve();
      };
      client.on('connect', onConnect);
      client.on('error', onError);
      client.on('close', onClose);
    });
  } finally {
    spinner?.stop();
  }
  return watch(client, settings, session, ui, () => assignedId, options.reconnect ?? false);
}

const MAX_BACKOFF_MS = 10_000;
/** How long a clean DISCONNECT may take before the socket is simply closed. */
const CLOSE_GRACE_MS = 3000;

/** After the first CONNACK: reconnect with backoff, or turn a loss into ConnectionLostError. */
function watch(client: MqttClient, settings: ConnectionSettings, session: SessionOptions, ui: Ui, clientId: () => string, reconnect: boolean): Connection {
  let closing = false;
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => {});
  const label = brokerLabel(settings);

  if (reconnect) {
    client.options.reconnectPeriod = 1000;
    client.on('close', () => {
      if (closing) return;
      ui.info(`Connection to ${label} lost; reconnecting in ${client.options.reconnectPeriod! / 1000} s...`);
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min(client.options.reconnectPeriod! * 2, MAX_BACKOFF_MS);
    });
    client.on('connect', () => {
      client.options.reconnectPeriod = 1000;
      ui.info(`Reconnected to ${label}.`);
    });
  } else {
    client.on('close', () => {
      if (!closing) fail(new ConnectionLostError(`The connection to ${label} was lost.`));
    });
  }
  client.on('error', (error: Error & { code?: unknown }) => {
    const mapped = toMqError(error, settings);
    // Refusals and certificate problems do not heal by retrying; a refused socket might.
    const transient = reconnect && mapped instanceof ConnectionError && typeof error.code === 'string';
    if (!transient) {
      closing = true;
      client.end(true);
      fail(mapped);
    }
  });
  client.on('disconnect', (packet: { reasonCode?: number }) => {
    if (!reconnect && !closing) fail(new ConnectionLostError(`The broker disconnected us (reason code ${packet.reasonCode ?? 0}).`));
  });

  return {
    client,
    settings,
    session,
    clientId,
    failed,
    async close(reasonCode?: number) {
      if (closing) return;
      closing = true;
      client.options.reconnectPeriod = 0;
      if (!client.connected) {
        await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
        return;
      }
      // MQTT.js holds the DISCONNECT until unanswered SUBSCRIBE/UNSUBSCRIBE requests are acked;
      // they may sit behind a message we chose not to acknowledge, so they are dropped.
      for (const [id, entry] of Object.entries(client.outgoing)) {
        if (entry.volatile) delete client.outgoing[Number(id)];
      }
      // v5: the reason code and the -D disconnect properties (user properties, session expiry), as mosquitto sends them.
      const disconnectProperties = session.properties.disconnect;
      const options = settings.protocolVersion === 5
        ? { ...(reasonCode !== undefined ? { reasonCode } : {}), ...(disconnectProperties ? { properties: disconnectProperties as never } : {}) }
        : {};
      const disconnected = new Promise<boolean>((resolve) => client.end(false, options, () => resolve(true)));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS); });
      // A broker that stopped reading would keep us forever: after the grace period the socket is just closed.
      if (!(await Promise.race([disconnected, late]))) client.end(true);
      clearTimeout(timer);
    },
  };
}
