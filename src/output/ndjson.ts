/**
 * mq's --json: one JSON object per line (NDJSON), binary-safe and lossless.
 *
 *   {"topic":"t/a","payload":"hi","qos":1,"retain":false,"dup":false,"mid":3,
 *    "received":"2026-11-26T13:04:46.606Z","properties":{...}}
 *
 * - payload: the text when the bytes are valid UTF-8 (JSON escapes keep NUL and control
 *   characters intact), otherwise base64 and "encoding":"base64" right after it.
 * - mid is 0 for QoS 0; received is the arrival time in UTC with milliseconds.
 * - properties (MQTT v5 only, when the message has any), MQTT.js names and shapes:
 *   payloadFormatIndicator (0/1), messageExpiryInterval, topicAlias, contentType,
 *   responseTopic, correlationData (text, or base64 with "correlationDataEncoding":"base64"),
 *   subscriptionIdentifier (a number, or an array when several matched),
 *   userProperties ({"key":"value"}, a repeated key has an array of its values).
 */
import { isUtf8 } from 'node:buffer';
import { ByteWriter, TopicCache } from './bytes.js';
import { writeCJsonString } from './cjson.js';
import type { ReceivedMessage } from './message.js';
import { bytesProperty, hasProperties, numberProperty, stringProperty, subscriptionIdentifiers } from './properties.js';

function propertiesJson(properties: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const name of Object.keys(properties)) {
    switch (name) {
      case 'payloadFormatIndicator':
      case 'messageExpiryInterval':
      case 'topicAlias': {
        const value = numberProperty(properties, name);
        if (value !== undefined) parts.push(`"${name}":${value}`);
        break;
      }
      case 'contentType':
      case 'responseTopic': {
        const value = stringProperty(properties, name);
        if (value !== undefined) parts.push(`"${name}":${JSON.stringify(value)}`);
        break;
      }
      case 'correlationData': {
        const value = bytesProperty(properties, name);
        if (value === undefined) break;
        if (isUtf8(value)) parts.push(`"correlationData":${JSON.stringify(value.toString('utf8'))}`);
        else parts.push(`"correlationData":"${value.toString('base64')}","correlationDataEncoding":"base64"`);
        break;
      }
      case 'subscriptionIdentifier': {
        const ids = subscriptionIdentifiers(properties);
        if (ids.length === 1) parts.push(`"subscriptionIdentifier":${ids[0]}`);
        else if (ids.length > 1) parts.push(`"subscriptionIdentifier":[${ids.join(',')}]`);
        break;
      }
      case 'userProperties': {
        const value = properties.userProperties;
        if (value !== null && typeof value === 'object') {
          const entries = Object.keys(value).map((k) => {
            const v = (value as Record<string, unknown>)[k];
            return `${JSON.stringify(k)}:${JSON.stringify(Array.isArray(v) ? v.map(String) : String(v))}`;
          });
          parts.push(`"userProperties":{${entries.join(',')}}`);
        }
        break;
      }
    }
  }
  return `{${parts.join(',')}}`;
}

/**
 * JSON string escaping straight from UTF-8 bytes: the same escapes as JSON.stringify
 * (\" \\ \b \f \n \r \t, other control characters as \u00xx), everything else copied.
 * Only for valid UTF-8 (then it equals JSON.stringify of the decoded text).
 */
const writeJsonString = writeCJsonString;

/**
 * Builds NDJSON lines. Remembers topics (encoded once) and the `received` text of the current
 * millisecond, since a burst of messages shares both.
 */
export class NdjsonWriter {
  private readonly out = new ByteWriter(512);
  private readonly topics = new TopicCache();
  private receivedMs = NaN;
  private receivedText = '';

  line(message: ReceivedMessage): Buffer {
    const out = this.out;
    out.reset();
    out.ascii('{"topic":');
    writeJsonString(out, this.topics.get(message.topic));
    const payload = message.payload;
    out.ascii(message.decoded === 'failed' ? ',"payloadHex":' : ',"payload":');
    if (message.decoded === 'json') {
      out.bytes(payload); // compact JSON text from a codec: embedded as a JSON value
    } else if (message.decoded === 'failed') {
      out.ascii(`"${payload.toString('hex')}"`); // a codec applied but could not decode it
    } else if (isUtf8(payload)) {
      writeJsonString(out, payload);
    } else {
      out.byte(0x22);
      out.ascii(payload.toString('base64'));
      out.ascii('","encoding":"base64"');
    }
    const ms = Math.floor(message.receivedAt);
    if (ms !== this.receivedMs) {
      this.receivedMs = ms;
      this.receivedText = new Date(ms).toISOString();
    }
    out.ascii(`,"qos":${message.qos},"retain":${message.retain},"dup":${message.dup},"mid":${message.mid},"received":"${this.receivedText}"`);
    if (hasProperties(message.properties)) out.utf8(`,"properties":${propertiesJson(message.properties)}`);
    out.ascii('}\n');
    return out.take();
  }
}
