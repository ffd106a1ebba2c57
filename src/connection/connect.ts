import { openSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import type tls from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { ConfigError, ConnectionError, ConnectionLostError, UsageError } from '../errors.js';
import type { Ui } from '../ui.js';
import { brokerLabel, toMqError } from './errors.js';
import { clientOptions, type SessionOptions, type TlsFiles } from './session.js';
import type { ConnectionSettings } from './settings.js';
import { readTlsFiles } from './tls-files.js';
import { describePacket, type TracePacket } from './trace.js';

/**
 * The ONLY code that creates MQTT.js clients: connect and wait for the CONNACK, then watch the
 * connection (reconnect with backoff, or fail), and close it within a bounded time.
 */

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
   * time, so a broker that stopped reading cannot keep the command from exiting. `quick`: nothing
   * pending matters any more (stdout's reader went away): write the DISCONNECT straight to the
   * socket and close it within QUICK_CLOSE_MS, without waiting on MQTT.js.
   */
  close(reasonCode?: number, options?: { quick?: boolean }): Promise<void>;
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

/** node:tls, loaded only for a TLS connection: most runs are plain TCP, often on loopback. */
const loadTls = () => createRequire(import.meta.url)('node:tls') as typeof tls;

/** A stream builder for plain TCP, TLS and unix sockets that honours -A, --nodelay and --tls-keylog. */
function socketBuilder(settings: ConnectionSettings, options: IClientOptions, keylog?: KeyLog): () => net.Socket {
  const common = {
    ...(settings.bindAddress !== undefined ? { localAddress: settings.bindAddress } : {}),
    noDelay: settings.nodelay,
  };
  if (settings.unix) return () => net.connect({ path: settings.unix! });
  if (settings.transport === 'mqtts') {
    const tlsModule = loadTls();
    return () => withKeylog(tlsModule.connect({ ...(options as tls.ConnectionOptions), host: settings.host, port: settings.port, ...common }), keylog);
  }
  return () => net.connect({ host: settings.host, port: settings.port, ...common });
}

type KeyLog = (line: Buffer) => void;

function withKeylog(socket: tls.TLSSocket, keylog: KeyLog | undefined): tls.TLSSocket {
  if (keylog) socket.on('keylog', keylog);
  return socket;
}

/**
 * --tls-keylog: a function that appends Node's TLS key log lines (NSS format, each with its newline)
 * to the file, created 0600 because whoever reads it can decrypt the session.
 */
function openKeylog(file: string): KeyLog {
  let fd: number;
  try {
    fd = openSync(file, 'a', 0o600);
  } catch (error) {
    throw new ConfigError(`Cannot open --tls-keylog ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  return (line) => { writeSync(fd, line); };
}

/** Create the MQTT.js client for these settings without waiting for it (bench uses this directly). */
export function createClient(settings: ConnectionSettings, session: SessionOptions, tlsFiles: TlsFiles, keylog?: KeyLog): MqttClient {
  const options = clientOptions(settings, session, tlsFiles);
  if (keylog && settings.transport === 'wss') {
    // ws makes the TLS socket: hand it ours, so the key lines are seen.
    options.wsOptions = {
      createConnection: (request: import('node:http').ClientRequestArgs) => {
        // As ws's own tlsConnect: no unix path, and SNI from the host unless it is an address.
        const opts = { ...request, path: undefined, host: request.host ?? undefined } as tls.ConnectionOptions;
        opts.servername ??= net.isIP(opts.host ?? '') ? '' : opts.host;
        return withKeylog(loadTls().connect(opts), keylog);
      },
    };
  }
  const viaMqttJs = settings.transport === 'ws' || settings.transport === 'wss' || settings.proxy !== undefined;
  return viaMqttJs ? mqtt.connect(options) : new mqtt.MqttClient(socketBuilder(settings, options, keylog), options);
}

/** The key log file for these settings, with a warning about what it holds; undefined without TLS. */
function keylogFor(settings: ConnectionSettings, ui: Ui): KeyLog | undefined {
  if (settings.tlsKeylog === undefined) return undefined;
  if (settings.transport !== 'mqtts' && settings.transport !== 'wss') {
    ui.warn(`--tls-keylog ${settings.tlsKeylog} is ignored: this connection does not use TLS.`);
    return undefined;
  }
  if (settings.proxy !== undefined) {
    throw new UsageError('--tls-keylog cannot be combined with --proxy: the proxy library makes the TLS connection itself.');
  }
  const keylog = openKeylog(settings.tlsKeylog);
  const mode = statSync(settings.tlsKeylog).mode;
  ui.warn(`${settings.tlsKeylog} receives this session's TLS keys: whoever reads it can decrypt the traffic.` +
    ((mode & 0o077) !== 0 ? ` It is readable by other users; run: chmod 600 ${settings.tlsKeylog}` : ''));
  return keylog;
}

/** Connect and wait for the CONNACK; map every failure to an MqError. */
export async function connect(settings: ConnectionSettings, session: SessionOptions, ui: Ui, options: ConnectOptions = {}): Promise<Connection> {
  const tlsFiles = await readTlsFiles(settings);
  const label = brokerLabel(settings);
  const spinner = options.spinner === false ? undefined : await ui.spinner(`Connecting to ${label}...`);
  const client = createClient(settings, session, tlsFiles, keylogFor(settings, ui));
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
/** A quick close (see Connection.close) waits this long at most for the DISCONNECT to be written. */
const QUICK_CLOSE_MS = 50;

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
    async close(reasonCode?: number, how: { quick?: boolean } = {}) {
      if (closing) return;
      closing = true;
      client.options.reconnectPeriod = 0;
      if (!client.connected) {
        await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
        return;
      }
      if (how.quick) {
        await closeNow(client, settings.protocolVersion === 5 ? { ...(reasonCode !== undefined ? { reasonCode } : {}) } : {});
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

/**
 * DISCONNECT written straight to the socket, then the socket destroyed: MQTT.js's own end(false)
 * waits for unacknowledged packets and for the broker to close its side, which a socket paused
 * for stdout's backpressure, or a message we chose not to acknowledge, can hold up for good.
 */
async function closeNow(client: MqttClient, disconnect: { reasonCode?: number }): Promise<void> {
  const stream = client.stream as NodeJS.WritableStream & { destroyed?: boolean };
  if (!stream.destroyed) {
    const packet = { cmd: 'disconnect' as const, ...disconnect };
    client.emit('packetsend', packet); // for the -d trace
    const bytes = mqttPacket.generate(packet, { protocolVersion: client.options.protocolVersion });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, QUICK_CLOSE_MS);
      stream.write(bytes, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, QUICK_CLOSE_MS);
    client.end(true, {}, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
