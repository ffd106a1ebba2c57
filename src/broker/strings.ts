/**
 * MQTT strings the broker must refuse, which neither aedes nor mqtt-packet checks: ill-formed UTF-8
 * or U+0000 anywhere [MQTT-1.5.3-1, 1.5.3-2] (v5: [MQTT-1.5.4-1, 1.5.4-2]), and a will topic that is
 * no topic name.
 */
import { isUtf8 } from 'node:buffer';

/** Well-formed UTF-8 (no surrogates, no overlong forms) without U+0000. */
export function isWellFormedMqttString(bytes: Uint8Array): boolean {
  return isUtf8(bytes) && !bytes.includes(0);
}

/** A topic name: at least one character [MQTT-4.7.3-1], no wildcard [MQTT-3.3.2-2]. */
export function isTopicName(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#');
}

/** The parts of mqtt-packet's Parser that reading a string goes through. */
export interface MqttPacketParser {
  _list: { length: number; readUInt16BE(offset: number): number; slice(start: number, end: number): Buffer };
  _pos: number;
  packet: { length: number };
  error: Error | null;
  _parseString(): string | null;
}

/**
 * Check every string an mqtt-packet parser reads before it decodes it: mqtt-packet decodes with
 * toString('utf8'), which turns ill-formed bytes into U+FFFD, so the bytes are checked here. On a bad
 * string the parser stops (the packet is never emitted, so never handled) and `onIllFormed` is called
 * to end the connection.
 */
export function checkStringsOf(parser: MqttPacketParser, onIllFormed: (error: Error) => void): void {
  if (typeof parser._parseString !== 'function') throw new Error('mqtt-packet has no Parser._parseString any more: update src/broker/strings.ts');
  const parseString = parser._parseString;
  parser._parseString = function checkedParseString(this: MqttPacketParser) {
    const start = this._pos + 2;
    if (!this.error && start <= this._list.length) {
      const end = start + this._list.readUInt16BE(this._pos);
      if (end <= this._list.length && end <= this.packet.length && !isWellFormedMqttString(this._list.slice(start, end))) {
        // A set error ends parse() before it emits the packet; the rest of this packet is read as usual.
        this.error = new Error('a string is not well-formed UTF-8 or holds U+0000');
        onIllFormed(this.error);
      }
    }
    return parseString.call(this);
  };
}
