/**
 * Reading MQTT v5 PUBLISH properties in MQTT.js's shape (IPublishPacket['properties']):
 * camelCase keys in wire order, userProperties as { key: value | value[] },
 * subscriptionIdentifier as a number or an array, payloadFormatIndicator as a boolean.
 */

type Props = Record<string, unknown> | undefined;

export function numberProperty(properties: Props, key: string): number | undefined {
  const value = properties?.[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return undefined;
}

export function stringProperty(properties: Props, key: string): string | undefined {
  const value = properties?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function bytesProperty(properties: Props, key: string): Buffer | undefined {
  const value = properties?.[key];
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return undefined;
}

/** Every subscription identifier, in the order received. */
export function subscriptionIdentifiers(properties: Props): number[] {
  const value = properties?.subscriptionIdentifier;
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

/**
 * User properties as [key, value] pairs. MQTT.js groups repeated keys into arrays, so pairs come
 * key by key (wire order of each key's first appearance), values of one key in wire order.
 */
export function userPropertyPairs(properties: Props): Array<[string, string]> {
  const value = properties?.userProperties;
  if (value === null || typeof value !== 'object') return [];
  const pairs: Array<[string, string]> = [];
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const item of v) pairs.push([key, String(item)]);
    } else if (v !== undefined) {
      pairs.push([key, String(v)]);
    }
  }
  return pairs;
}

export function hasProperties(properties: Props): properties is Record<string, unknown> {
  return properties !== undefined && properties !== null && Object.keys(properties).length > 0;
}
