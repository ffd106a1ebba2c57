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

/** One NDJSON line (with its newline) for a message. */
export function ndjsonLine(message: ReceivedMessage): Buffer {
  const payload = message.payload;
  const payloadJson = isUtf8(payload)
    ? JSON.stringify(payload.toString('utf8'))
    : `"${payload.toString('base64')}","encoding":"base64"`;
  let line =
    `{"topic":${JSON.stringify(message.topic)},"payload":${payloadJson}` +
    `,"qos":${message.qos},"retain":${message.retain},"dup":${message.dup},"mid":${message.mid}` +
    `,"received":"${new Date(Math.floor(message.receivedAt)).toISOString()}"`;
  if (hasProperties(message.properties)) line += `,"properties":${propertiesJson(message.properties)}`;
  return Buffer.from(line + '}\n', 'utf8');
}
