/**
 * One received PUBLISH, as the output formatters see it. Built by `mq sub` / `mq rr`
 * from MQTT.js's packet; kept free of MQTT.js types so the formatters stay pure.
 */
export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  /** Packet identifier; 0 for QoS 0. */
  mid: number;
  /** MQTT.js IPublishPacket['properties'] (v5), as received. */
  properties?: Record<string, unknown>;
  /** Date.now() when it arrived (ms). */
  receivedAt: number;
  /**
   * --decode: 'json' when `payload` is the decoded payload's JSON text (--json and %j embed it as a
   * JSON value); 'failed' when a codec applied but could not decode it (--json gives payloadHex).
   */
  decoded?: 'json' | 'failed';
}

/** The fields of an MQTT.js PUBLISH packet that a ReceivedMessage needs. */
export interface PublishPacketLike {
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  messageId?: number | undefined;
  properties?: object | undefined;
}

/** A received PUBLISH as the formatters see it, stamped now (shared by sub and rr). */
export function toReceived(topic: string, payload: Buffer, packet: PublishPacketLike): ReceivedMessage {
  const message: ReceivedMessage = {
    topic,
    payload,
    qos: packet.qos,
    retain: packet.retain,
    dup: packet.dup,
    mid: packet.messageId ?? 0,
    receivedAt: receivedNow(),
  };
  if (packet.properties) message.properties = packet.properties as Record<string, unknown>;
  return message;
}

let anchorWall = 0;
let anchorMonotonic = 0;

/**
 * Date.now() with a sub-millisecond fraction (microsecond resolution) for `receivedAt`, so
 * `@N`, `%U` and the %j `tst` carry real digits the way mosquitto's clock_gettime() does.
 * Anchored to the wall clock once (waiting at most 1 ms for a tick), re-anchored only when the
 * monotonic estimate drifts more than a millisecond from Date.now().
 */
export function receivedNow(): number {
  const wall = Date.now();
  let now = anchorWall + (performance.now() - anchorMonotonic);
  if (anchorWall === 0 || now < wall - 1 || now >= wall + 2) {
    // wait for the millisecond to tick so the anchor is exact, then read both clocks
    let tick = Date.now();
    while (tick === wall) tick = Date.now();
    anchorWall = tick;
    anchorMonotonic = performance.now();
    now = tick;
  }
  return now;
}
