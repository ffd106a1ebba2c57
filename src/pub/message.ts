/** What pub sends: one PUBLISH, kept free of MQTT.js types so the parsers stay pure. */

/** MQTT v5 PUBLISH properties, in MQTT.js's shape. */
export interface PublishProperties {
  contentType?: string;
  correlationData?: Buffer;
  messageExpiryInterval?: number;
  payloadFormatIndicator?: boolean;
  responseTopic?: string;
  topicAlias?: number;
  userProperties?: Record<string, string | string[]>;
}

export type Qos = 0 | 1 | 2;

export interface OutgoingMessage {
  topic: string;
  payload: Buffer;
  qos: Qos;
  retain: boolean;
  /** v5 only; undefined when there are none. */
  properties?: PublishProperties;
}
