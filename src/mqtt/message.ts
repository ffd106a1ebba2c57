/** One outgoing PUBLISH, as pub and the input parsers (../input/ndjson.ts) build it: free of MQTT.js types, so they stay pure. */
import type { Qos } from './values.js';

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

export interface OutgoingMessage {
  topic: string;
  payload: Buffer;
  qos: Qos;
  retain: boolean;
  /** v5 only; undefined when there are none. */
  properties?: PublishProperties;
}
