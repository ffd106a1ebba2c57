/**
 * PURE: the few packets mq broker writes itself, before aedes takes the connection: the CONNACK that
 * refuses an MQTT 3.1.1 client with an empty client id and no clean session, with mosquitto's log line.
 */

/** MQTT 3.1/3.1.1 CONNACK without a session: 20 02 00 rc. */
export function connackV3(returnCode: number): Buffer {
  return Buffer.from([0x20, 0x02, 0x00, returnCode]);
}
