import { UsageError } from '../errors.js';

/** MQTT v5 properties given with `-D <command> <name> <value>`, grouped by packet, in MQTT.js's shape. */
export type PropertyCommand = 'connect' | 'publish' | 'subscribe' | 'unsubscribe' | 'disconnect' | 'will';
export type PropertyBag = Record<string, unknown> & { userProperties?: Record<string, string | string[]> };
export type Properties = Partial<Record<PropertyCommand, PropertyBag>>;

type Kind = 'byte' | 'bool' | 'int16' | 'int32' | 'varint' | 'string' | 'binary';

/** name -> [MQTT.js key, value kind, commands that may carry it] (mosquitto's tables, client side). */
const PROPERTIES: Record<string, [string, Kind, PropertyCommand[]]> = {
  'payload-format-indicator': ['payloadFormatIndicator', 'bool', ['publish', 'will']],
  'message-expiry-interval': ['messageExpiryInterval', 'int32', ['publish', 'will']],
  'content-type': ['contentType', 'string', ['publish', 'will']],
  'response-topic': ['responseTopic', 'string', ['publish', 'will']],
  'correlation-data': ['correlationData', 'binary', ['publish', 'will']],
  'subscription-identifier': ['subscriptionIdentifier', 'varint', ['subscribe']],
  'session-expiry-interval': ['sessionExpiryInterval', 'int32', ['connect', 'disconnect']],
  'authentication-method': ['authenticationMethod', 'string', ['connect']],
  'authentication-data': ['authenticationData', 'binary', ['connect']],
  'request-problem-information': ['requestProblemInformation', 'bool', ['connect']],
  'will-delay-interval': ['willDelayInterval', 'int32', ['will']],
  'request-response-information': ['requestResponseInformation', 'bool', ['connect']],
  'receive-maximum': ['receiveMaximum', 'int16', ['connect']],
  'topic-alias-maximum': ['topicAliasMaximum', 'int16', ['connect']],
  'topic-alias': ['topicAlias', 'int16', ['publish']],
  'maximum-packet-size': ['maximumPacketSize', 'int32', ['connect']],
  'user-property': ['userProperties', 'string', ['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'will']],
};

const COMMANDS = new Set(['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'disconnect', 'auth', 'will']);

const RANGES: Record<Kind, [number, number]> = {
  byte: [0, 255], bool: [0, 1], int16: [0, 65535], int32: [0, 4294967295], varint: [1, 268435455], string: [0, 0], binary: [0, 0],
};

/**
 * Parse the flat token list yargs collects from every `-D` (each group is command, name, value,
 * or command, user-property, key, value). Pure.
 */
export function parseProperties(tokens: readonly string[] | undefined): Properties {
  const result: Properties = {};
  if (!tokens) return result;
  let i = 0;
  while (i < tokens.length) {
    const command = String(tokens[i] ?? '').toLowerCase();
    const name = String(tokens[i + 1] ?? '').toLowerCase();
    if (tokens.length - i < 3) throw new UsageError('-D needs a command, a property name and a value, e.g. -D publish content-type text/plain.');
    if (!COMMANDS.has(command)) throw new UsageError(`-D: invalid command "${tokens[i]}"; use connect, publish, subscribe, unsubscribe, disconnect or will.`);
    const spec = PROPERTIES[name];
    if (!spec) throw new UsageError(`-D: invalid property name "${tokens[i + 1]}" (known: ${Object.keys(PROPERTIES).join(', ')}).`);
    const [key, kind, allowed] = spec;
    if (!allowed.includes(command as PropertyCommand)) {
      throw new UsageError(`-D: ${name} property not allowed for ${command} (it may go on ${allowed.join(', ')}).`);
    }
    const bag = (result[command as PropertyCommand] ??= {});
    if (key === 'userProperties') {
      if (tokens.length - i < 4) throw new UsageError('-D ... user-property needs a key and a value.');
      const k = String(tokens[i + 2]);
      const v = String(tokens[i + 3]);
      const props = (bag.userProperties ??= {});
      const existing = props[k];
      props[k] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v];
      i += 4;
      continue;
    }
    bag[key] = convert(name, kind, String(tokens[i + 2]));
    i += 3;
  }
  return result;
}

function convert(name: string, kind: Kind, text: string): unknown {
  if (kind === 'string') return text;
  if (kind === 'binary') {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > 65535) throw new UsageError(`-D: value too long for property ${name} (at most 65535 bytes).`);
    return bytes;
  }
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  const [min, max] = RANGES[kind];
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`-D: property value "${text}" out of range for property ${name} (${min}-${max}).`);
  }
  return kind === 'bool' ? n === 1 : n;
}
