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
}
