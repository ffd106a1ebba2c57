import { connect, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * A raw MQTT connection for protocol tests: send packets (or any bytes) and read exactly what the
 * broker sends back, packet by packet, with no client library deciding anything in between.
 */
export interface RawConnection {
  socket: Socket;
  /** Every byte the broker sent so far. */
  received(): Buffer;
  send(packet: Packet | Buffer): void;
  /** The next packet the broker sends (resolves in arrival order); rejects after timeoutMs. */
  next(timeoutMs?: number): Promise<Packet>;
  /** Resolves true when the broker closed the connection within timeoutMs, false otherwise. */
  closed(timeoutMs?: number): Promise<boolean>;
  end(): void;
}

export async function rawConnect(port: number, protocolVersion: 3 | 4 | 5 = 4): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const parser = mqttPacket.parser({ protocolVersion });
  const chunks: Buffer[] = [];
  const packets: Packet[] = [];
  const waiting: ((packet: Packet) => void)[] = [];
  parser.on('packet', (packet: Packet) => {
    const waiter = waiting.shift();
    if (waiter) waiter(packet);
    else packets.push(packet);
  });
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    parser.parse(chunk);
  });
  let isClosed = false;
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => { isClosed = true; resolve(); }));
  return {
    socket,
    received: () => Buffer.concat(chunks),
    send(packet) {
      socket.write(Buffer.isBuffer(packet) ? packet : mqttPacket.generate(packet, { protocolVersion }));
    },
    next(timeoutMs = 5000) {
      const ready = packets.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(onPacket), 1);
          reject(new Error(`no packet from the broker within ${timeoutMs} ms${isClosed ? ' (the connection is closed)' : ''}`));
        }, timeoutMs);
        const onPacket = (packet: Packet) => { clearTimeout(timer); resolve(packet); };
        waiting.push(onPacket);
      });
    },
    async closed(timeoutMs = 5000) {
      if (isClosed) return true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
      const result = await Promise.race([closedPromise.then(() => true), timedOut]);
      clearTimeout(timer);
      return result;
    },
    end() {
      socket.destroy();
    },
  };
}

/** CONNECT with a clean session and the given id; resolves with the CONNACK. */
export async function rawSession(port: number, clientId: string, protocolVersion: 3 | 4 | 5 = 4, extra: Partial<mqttPacket.IConnectPacket> = {}): Promise<{ conn: RawConnection; connack: Packet }> {
  const conn = await rawConnect(port, protocolVersion);
  conn.send({ cmd: 'connect', protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT', protocolVersion, clientId, clean: true, keepalive: 60, ...extra } as Packet);
  const connack = await conn.next();
  return { conn, connack };
}
