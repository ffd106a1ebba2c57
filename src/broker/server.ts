import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_CIPHERS, createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { ConfigError, MqError } from '../errors.js';
import { describeFsError } from '../passwd/file.js';
import { decideLogin, type PasswordTable } from './auth.js';
import {
  connectedLine, connectionFailedLine, disconnectedLine, formatAddress, newConnectionLine, printable, refusedLine,
  subscribedLine, unsubscribedLine, willLine, type ConnectInfo, type DisconnectReason,
} from './log.js';
import type { LogType } from './log-types.js';
import { tapPackets } from './packet-tap.js';
import { readPskFile, type PskTable } from './psk.js';
import { connackV3 } from './packets.js';
import { MAX_TOPIC_ALIAS, listenerUrl, type BrokerSettings, type ListenerKind, type ListenerSettings } from './settings.js';
import { checkStringsOf, isTopicName, type MqttPacketParser } from './strings.js';

export interface StartOptions {
  settings: BrokerSettings;
  /** The loaded password file, when there is one. */
  table?: PasswordTable | undefined;
  /**
   * One log line (no timestamp, no newline) and its mosquitto log type (notice when not given).
   * Called for every event; drop the types not asked for. Debug lines come only when
   * settings.logTypes has debug.
   */
  log(line: string, type?: LogType): void;
}

export interface BoundListener {
  kind: ListenerKind;
  host: string | undefined;
  port: number;
  url: string;
}

export interface RunningBroker {
  listeners: BoundListener[];
  /** Use a reloaded password file; clients whose login it no longer accepts are disconnected (as mosquitto does). */
  setPasswordTable(table: PasswordTable | undefined): Promise<{ disconnected: number }>;
  /** Stop listening, disconnect every client and release everything. Safe to call twice. */
  close(): Promise<void>;
}

interface Peer {
  address: string;
  kind: ListenerKind;
}

interface Closable {
  close(): Promise<void>;
}

/**
 * Start aedes with in-memory retained messages and sessions behind every listener in the settings.
 * Throws one clear MqError when a listener cannot start (port in use, bad certificate), after closing
 * the ones that did.
 */
export async function startBroker(options: StartOptions): Promise<RunningBroker> {
  const { settings, log } = options;
  let table = options.table;
  let shuttingDown = false;

  const peers = new WeakMap<object, Peer>();
  const connects = new WeakMap<Client, ConnectInfo>();
  const credentials = new WeakMap<Client, { username: string | undefined; password: Buffer | undefined }>();
  const ready = new WeakSet<Client>();
  const takenOver = new WeakSet<Client>();
  const revoked = new WeakMap<Client, string>();
  const failures = new WeakMap<Client, Error>();
  // Errors we raised ourselves to end a refused connection: already logged.
  const handled = new WeakSet<Error>();

  const refuseWith = (error: Error): Error => {
    handled.add(error);
    return error;
  };

  const { limits } = settings;
  // Message ids of the QoS 2 PUBLISH packets each client sent that wait for their PUBREL.
  const unreleased = new WeakMap<Client, Set<number>>();

  const aedes = await Aedes.createBroker({
    connectTimeout: limits.connectTimeoutMs,
    maximumPacketSize: limits.maxPacketSize,
    // mosquitto tells v5 clients its max_inflight_messages as their Receive Maximum.
    receiveMaximum: limits.maxInflightMessages > 0 && limits.maxInflightMessages < 65535 ? limits.maxInflightMessages : 0,
    topicAliasMaximum: MAX_TOPIC_ALIAS,
    // As mosquitto's max_inflight_messages, it also caps what goes out to each client unacknowledged
    // (below the client's own Receive Maximum); an option of our aedes patch.
    ...({ maxOutgoingInflight: limits.maxInflightMessages } as object),

    preConnect(client, packet, callback) {
      const peer = peers.get(client.conn);
      const info = connectInfo(packet, peer);
      connects.set(client, info);
      if (packet.clientId === '' && packet.clean === false) {
        // [MQTT-3.1.3-8]: a session needs a client id to be found again.
        log(`Client <unknown> from ${info.address} refused: a zero-length client id needs a clean session (CONNACK 2).`);
        client.conn.write(connackV3(2), () => callback(refuseWith(new Error('refused')), false));
        return;
      }
      if (packet.will && !isTopicName(packet.will.topic)) {
        // The will topic is a topic name: at least one character [MQTT-4.7.3-1], no wildcard
        // [MQTT-3.3.2-2]. aedes does not check it. Closed without a CONNACK, as mosquitto does.
        const id = packet.clientId === '' ? '<unknown>' : printable(packet.clientId);
        log(`Client ${id} from ${info.address} refused: the will topic '${printable(packet.will.topic)}' is not a topic name (empty, or with + or #).`);
        callback(refuseWith(new Error('refused')), false);
        return;
      }
      callback(null, true);
    },

    authorizePublish(client, packet, callback) {
      // aedes' default: clients may not publish to $SYS (a v5 QoS 1/2 publish gets reason code 135).
      if (packet.topic.startsWith('$SYS/')) {
        callback(new Error('$SYS/ topic is reserved'));
        return;
      }
      // A will keeps its CONNECT properties when aedes publishes it, Will Delay Interval included, but
      // that is no PUBLISH property: mosquitto's clients drop the connection (protocol error) on it.
      // aedes has read the delay by now; drop it as mosquitto does.
      const properties = packet.properties as { willDelayInterval?: number } | undefined;
      if (properties?.willDelayInterval !== undefined) delete properties.willDelayInterval;
      // A client's own QoS 2 PUBLISH counts against max_inflight_messages; its will (no packet id) does not.
      if (packet.qos === 2 && limits.maxInflightMessages > 0 && client && packet.messageId !== undefined) {
        const ids = unreleased.get(client) ?? new Set<number>();
        unreleased.set(client, ids);
        if (!ids.has(packet.messageId!) && ids.size >= limits.maxInflightMessages) {
          // As mosquitto: a v5 client is told with DISCONNECT 0x93 (Receive Maximum exceeded), a v3
          // client is dropped; the message is not published. The callback is never called: the
          // connection and the publish that waits on it end here.
          log(`Client ${printable(client.id)} sent more than ${limits.maxInflightMessages} QoS 2 messages in flight (max_inflight_messages), disconnecting.`);
          (client as unknown as { disconnect(opts: { reasonCode: number }): void }).disconnect({ reasonCode: 0x93 });
          return;
        }
        ids.add(packet.messageId!);
      }
      callback(null);
    },

    // aedes 2 has no shared subscriptions: it tells v5 clients so in the CONNACK and refuses
    // `$share/...` with SUBACK 0x9E, but takes it from a 3.1.1 client as a literal filter that no
    // message ever matches. Refuse it there too (SUBACK 0x80), so the client learns it.
    authorizeSubscribe(_client, subscription, callback) {
      callback(null, subscription.topic.startsWith('$share/') ? null : subscription);
    },

    authenticate(client, username, password, done) {
      decideLogin({ table, allowAnonymous: settings.allowAnonymous }, { username, password }).then((decision) => {
        if (decision.ok) {
          nameAnonymous(client);
          credentials.set(client, { username, password });
          const previous = clients()[client.id];
          if (previous && previous !== client) takenOver.add(previous);
          done(null, true);
          return;
        }
        const info = connects.get(client);
        // mosquitto answers a refused login with 5 (not authorised), never 4; aedes sends it to a v5
        // client as 135, as mosquitto does.
        if (info) log(refusedLine(info, decision.reason, info.protocolVersion === 5 ? 135 : 5));
        const error = Object.assign(refuseWith(new Error('not authorised')), { returnCode: 5 }) as AuthenticateError;
        done(error, null);
      }, (error: unknown) => done(Object.assign(error as Error, { returnCode: 3 }) as AuthenticateError, null));
    },
  });

  const clients = () => (aedes as unknown as { clients: Record<string, Client> }).clients;

  // aedes emits 'error' for failures outside any client (e.g. clearing wills); log them, never crash.
  (aedes as unknown as NodeJS.EventEmitter).on('error', (error: Error) => log(`Broker error: ${error.message}.`, 'error'));

  // Logged when the CONNACK is on its way, not at aedes' clientReady: that comes only after the
  // session's queued messages were sent, by which time the client may have done (and logged) more.
  aedes.on('connackSent', (connack, client) => {
    const code = (connack as { returnCode?: number; reasonCode?: number }).returnCode ?? (connack as { reasonCode?: number }).reasonCode ?? 0;
    if (code !== 0) return;
    ready.add(client);
    const info = connects.get(client);
    if (!info) return;
    log(connectedLine({ ...info, clientId: client.id }));
    const will = (client as unknown as { will?: ConnectPacket['will'] | null }).will;
    if (will) {
      const bytes = typeof will.payload === 'string' ? Buffer.byteLength(will.payload) : will.payload.length;
      log(willLine(client.id, { topic: will.topic, bytes, qos: will.qos ?? 0, retain: will.retain ?? false }));
    }
  });

  aedes.on('clientDisconnect', (client) => {
    log(disconnectedLine(client.id, disconnectReason(client)));
  });

  aedes.on('clientError', (client, error) => {
    if (handled.has(error)) return;
    // Not every clientError ends the connection: aedes also reports, for v5 clients, a publish it
    // answered with a reason code (135 for $SYS). disconnectReason() tells the two apart.
    if (ready.has(client) || !errored(client)) {
      failures.set(client, error);
    } else {
      const peer = peers.get(client.conn);
      log(connectionFailedLine(peer?.address ?? 'unknown address', error.message));
    }
  });

  aedes.on('connectionError', (client, error) => {
    if (handled.has(error)) return;
    const peer = peers.get(client.conn);
    log(connectionFailedLine(peer?.address ?? 'unknown address', error.message));
  });

  aedes.on('subscribe', (subscriptions, client) => {
    for (const subscription of subscriptions) {
      // aedes reports a refused subscription with its SUBACK failure code (128, or a v5 reason code
      // such as 0x9E for $share) as its QoS.
      log((subscription.qos as number) >= 128
        ? `Client ${client.id} was refused the subscription to '${subscription.topic}'.`
        : subscribedLine(client.id, subscription.topic, subscription.qos), 'subscribe');
    }
  });

  aedes.on('unsubscribe', (topics, client) => {
    // aedes also reports the subscriptions it drops when a client goes away: not an UNSUBSCRIBE.
    if (client.closed) return;
    for (const topic of topics) log(unsubscribedLine(client.id, topic), 'unsubscribe');
  });

  function disconnectReason(client: Client): DisconnectReason {
    if (shuttingDown) return { kind: 'shutdown' };
    if (takenOver.has(client)) return { kind: 'takeover' };
    const revokedReason = revoked.get(client);
    if (revokedReason !== undefined) return { kind: 'revoked', reason: revokedReason };
    const failure = failures.get(client);
    // A peer that goes away with unread data in its socket (killed, say) resets the connection instead of
    // closing it: mosquitto counts ECONNRESET as a lost connection too ("closed its connection").
    if ((failure as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET') return { kind: 'closed' };
    // A fatal error (errored), or a v5 DISCONNECT aedes sent with a failure reason (0x94 topic alias invalid, ...).
    if (failure && (errored(client) || (client.disconnectReasonCode ?? 0) >= 0x80)) return failure.message === 'keep alive timeout' ? { kind: 'timeout' } : { kind: 'error', message: failure.message };
    // aedes sets _disconnected only when the client sent DISCONNECT.
    if ((client as unknown as { _disconnected?: boolean })._disconnected) return { kind: 'disconnect' };
    return { kind: 'closed' };
  }

  // Decoding every packet a second time costs: only when debug lines are wanted.
  const logPackets = settings.logTypes.includes('debug');
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const accept = (conn: Duplex, socket: Socket, kind: ListenerKind, port: number, request?: IncomingMessage) => {
    const address = formatAddress(socket.remoteAddress, socket.remotePort);
    peers.set(conn, { address, kind });
    log(newConnectionLine(address, kind, port));
    const client = aedes.handle(conn, request);
    checkStringsOf(parserOf(client), (error) => {
      if (client.version === 5 && client.connected) {
        // A connected v5 client is told why, as mosquitto does: DISCONNECT 0x81 (Malformed Packet).
        aedes.emit('clientError', client, error);
        (client as unknown as { pause(): void }).pause();
        client.disconnect({ reasonCode: 0x81 }, () => {});
      } else {
        // aedes' own way with a parse error: close the connection.
        (client as unknown as NodeJS.EventEmitter).emit('error', error);
      }
    });
    // [MQTT-3.1.2-2]: a CONNECT with a protocol level we do not speak gets CONNACK 0x01 (unacceptable
    // protocol version) before the connection closes, as from mosquitto. mqtt-packet refuses it before
    // aedes sees the CONNECT; this listener runs before aedes' own, which then closes the connection.
    (parserOf(client) as unknown as NodeJS.EventEmitter).prependListener('error', (error: Error) => {
      if (error.message === 'Invalid protocol version' && !client.connecting && !client.connected) conn.write(connackV3(1));
    });
    if (logPackets) tapPackets(conn, { clientId: () => client.id, host: socket.remoteAddress, log });
    if (limits.maxInflightMessages > 0) {
      // A PUBREL releases its QoS 2 message id (aedes' own parser: nothing is parsed twice).
      const parser = parserOf(client) as unknown as NodeJS.EventEmitter;
      parser.on('packet', (packet: { cmd: string; messageId?: number }) => {
        if (packet.cmd === 'pubrel') unreleased.get(client)?.delete(packet.messageId!);
      });
    }
  };

  const started: Closable[] = [];
  const bound: BoundListener[] = [];
  try {
    for (const listener of settings.listeners) {
      const { closable, port } = await startListener(listener, { accept, track, log });
      started.push(closable);
      bound.push({ kind: listener.kind, host: listener.host, port, url: listenerUrl(listener.kind, listener.host, port) });
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    listeners: bound,
    async setPasswordTable(next) {
      table = next;
      let disconnected = 0;
      for (const client of Object.values(clients())) {
        const given = credentials.get(client);
        if (!given || client.closed) continue;
        const decision = await decideLogin({ table, allowAnonymous: settings.allowAnonymous }, given);
        if (!decision.ok) {
          revoked.set(client, decision.reason);
          disconnected += 1;
          client.close();
        }
      }
      return { disconnected };
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        const stopped = Promise.all(started.map((s) => s.close()));
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

/** The mqtt-packet parser aedes reads this client's packets with. */
function parserOf(client: Client): MqttPacketParser {
  return (client as unknown as { _parser: MqttPacketParser })._parser;
}

/** aedes marks a client whose connection ended on an error (socket, protocol, keepalive). */
function errored(client: Client): boolean {
  return (client as unknown as { errored?: boolean }).errored === true;
}

/**
 * Name a client that sent an empty client id as mosquitto does (auto-UUID), so logs read the same.
 * aedes named it aedes_UUID before our authenticate hook ran, and only sends the CONNACK (with the
 * v5 Assigned Client Identifier) and registers the client after it, so renaming here is complete.
 */
function nameAnonymous(client: Client): void {
  const internals = client as unknown as { id: string; _assignedClientId?: string };
  if (internals._assignedClientId === undefined) return;
  internals.id = `auto-${randomUUID().toUpperCase()}`;
  internals._assignedClientId = internals.id;
}

function connectInfo(packet: ConnectPacket, peer: Peer | undefined): ConnectInfo {
  return {
    clientId: packet.clientId,
    address: peer?.address ?? 'unknown address',
    protocolVersion: packet.protocolVersion ?? 4,
    clean: packet.clean ?? true,
    keepalive: packet.keepalive ?? 0,
    username: packet.username,
  };
}

interface ListenerHooks {
  accept(conn: Duplex, socket: Socket, kind: ListenerKind, port: number, request?: IncomingMessage): void;
  track(socket: Socket): void;
  log(line: string, type?: LogType): void;
}

async function startListener(listener: ListenerSettings, hooks: ListenerHooks): Promise<{ closable: Closable; port: number }> {
  const files = listener.tls ? await readTlsFiles(listener) : undefined;
  const tls = listener.psk ? { ...files, ...pskServerOptions(await readPskFile(listener.psk.file), listener.psk.hint, files !== undefined, hooks) } : files;
  let server: NetServer | HttpServer;
  let wss: WebSocketServer | undefined;
  let port = listener.port;
  try {
    switch (listener.kind) {
      case 'mqtt':
        // Its sockets are accepted below, after the max_connections check.
        server = createNetServer();
        break;
      case 'mqtts':
        server = createTlsServer(tls!, (socket: TLSSocket) => hooks.accept(socket, socket, 'mqtts', port));
        break;
      case 'ws':
      case 'wss': {
        const http = listener.kind === 'ws' ? createHttpServer(notWebSocket) : createHttpsServer(tls!, notWebSocket);
        // MQTT.js asks for /mqtt, other clients for / or anything: accept every path, as mosquitto does.
        wss = new WebSocketServer({ server: http });
        wss.on('error', () => {}); // it repeats the HTTP server's errors, which listen() below reports
        wss.on('connection', (ws, request) => {
          const stream = createWebSocketStream(ws);
          stream.on('error', () => {}); // aedes listens too; this keeps an early error from throwing
          hooks.accept(stream, request.socket, listener.kind, port, request);
        });
        server = http;
        break;
      }
    }
  } catch (error) {
    throw new ConfigError(`Cannot use the certificate ${listener.tls?.certFile} with the key ${listener.tls?.keyFile}: ${(error as Error).message}.`, { cause: error });
  }
  let open = 0;
  server.on('connection', (socket: Socket) => {
    if (listener.maxConnections !== undefined && open >= listener.maxConnections) {
      hooks.log(`Client connection from ${formatAddress(socket.remoteAddress, socket.remotePort)} denied: max_connections exceeded.`);
      socket.destroy();
      return;
    }
    open += 1;
    socket.once('close', () => { open -= 1; });
    hooks.track(socket);
    if (listener.kind === 'mqtt') hooks.accept(socket, socket, 'mqtt', port);
  });
  if (listener.kind === 'mqtts' || listener.kind === 'wss') {
    server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      hooks.log(connectionFailedLine(formatAddress(socket.remoteAddress, socket.remotePort), error.message));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error as NodeJS.ErrnoException, listener)));
    server.listen({ port: listener.port, ...(listener.host !== undefined ? { host: listener.host } : {}) }, () => resolve());
  });
  server.on('error', (error) => hooks.log(`Listener ${listener.origin} error: ${error.message}.`, 'error'));
  port = (server.address() as { port: number }).port;

  return {
    port,
    closable: {
      close: () => new Promise<void>((resolve) => {
        wss?.close();
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
    },
  };
}

/**
 * TLS-PSK on a TLS listener (--psk-file): the key of the identity the client names; an unknown
 * identity fails the handshake (logged as mosquitto does). PSK cipher suites are offered under
 * TLS 1.2 too, beside the certificate ones when there is a certificate.
 */
function pskServerOptions(table: PskTable, hint: string | undefined, withCertificate: boolean, hooks: ListenerHooks): TlsOptions {
  return {
    pskCallback: (socket: TLSSocket, identity: string) => {
      const key = table.get(identity);
      if (!key) hooks.log(`Client connection from ${formatAddress(socket.remoteAddress, socket.remotePort)} failed: unknown PSK identity "${printable(identity)}".`);
      return key ?? null;
    },
    ...(hint !== undefined ? { pskIdentityHint: hint } : {}),
    ciphers: withCertificate ? `${DEFAULT_CIPHERS}:PSK` : 'PSK',
  };
}

/** A plain HTTP request to a WebSocket listener: say what it is. */
function notWebSocket(_request: IncomingMessage, response: import('node:http').ServerResponse): void {
  response.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
  response.end('This is an MQTT over WebSocket listener: connect with an MQTT client, e.g. mq sub -L ws://HOST:PORT/TOPIC\n');
}

async function readTlsFiles(listener: ListenerSettings): Promise<{ cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean }> {
  const files = listener.tls!;
  const read = async (what: string, file: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new ConfigError(`Cannot read the ${what} ${file}: ${describeFsError(error)}.`, { cause: error });
    }
  };
  const cert = await read('certificate', files.certFile);
  const key = await read('private key', files.keyFile);
  const ca = files.caFile !== undefined ? await read('CA file', files.caFile) : undefined;
  return {
    cert, key, ...(ca ? { ca } : {}),
    requestCert: files.requireCertificate,
    rejectUnauthorized: files.requireCertificate,
  };
}

/** listen() failures as one line that says which listener and what to do. */
function listenError(error: NodeJS.ErrnoException, listener: ListenerSettings): MqError {
  const where = listenerUrl(listener.kind, listener.host, listener.port);
  const flag = listener.origin;
  switch (error.code) {
    case 'EADDRINUSE':
      return new MqError(`Port ${listener.port} is already in use (${where}, ${flag}): stop whatever listens there (another broker?) or choose a free port.`, { cause: error });
    case 'EACCES':
      return new MqError(`Not allowed to listen on ${where} (${flag}): ports below 1024 need root; choose a port above 1023.`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new ConfigError(`Cannot listen on ${where} (${flag}): ${listener.host} is not an address of this machine.`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`Cannot listen on ${where} (${flag}): the host name ${listener.host} does not resolve.`, { cause: error });
    default:
      return new MqError(`Cannot listen on ${where} (${flag}): ${error.message}.`, { cause: error });
  }
}
