/**
 * PURE: the few packets mq broker writes itself, before aedes (which speaks MQTT 3.1/3.1.1 only)
 * takes the connection: the CONNACK that refuses an MQTT v5 client in its own protocol version.
 */

function variableByteInteger(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return bytes;
}

/** MQTT 3.1/3.1.1 CONNACK without a session: 20 02 00 rc. */
export function connackV3(returnCode: number): Buffer {
  return Buffer.from([0x20, 0x02, 0x00, returnCode]);
}

/** MQTT 5 CONNACK without a session, with an optional Reason String property (0x1F). */
export function connackV5(reasonCode: number, reasonString?: string): Buffer {
  const properties: number[] = [];
  if (reasonString !== undefined) {
    const text = Buffer.from(reasonString, 'utf8');
    properties.push(0x1f, text.length >> 8, text.length & 0xff, ...text);
  }
  const body = [0x00, reasonCode, ...variableByteInteger(properties.length), ...properties];
  return Buffer.from([0x20, ...variableByteInteger(body.length), ...body]);
}
