import { ConnectionError, MqError, RefusedError, TlsError } from '../errors.js';
import type { ConnectionSettings } from './settings.js';

/** mosquitto_connack_string() for MQTT 3.1/3.1.1. */
const V3_REFUSALS: Record<number, string> = {
  1: 'Connection Refused: unacceptable protocol version.',
  2: 'Connection Refused: identifier rejected.',
  3: 'Connection Refused: broker unavailable.',
  4: 'Connection Refused: bad user name or password.',
  5: 'Connection Refused: not authorised.',
};

/** mosquitto_reason_string() for MQTT 5 reason codes. */
export const V5_REASONS: Record<number, string> = {
  0: 'Success', 4: 'Disconnect with Will Message', 16: 'No matching subscribers', 17: 'No subscription existed',
  128: 'Unspecified error', 129: 'Malformed Packet', 130: 'Protocol Error', 131: 'Implementation specific error',
  132: 'Unsupported Protocol Version', 133: 'Client Identifier not valid', 134: 'Bad User Name or Password',
  135: 'Not authorized', 136: 'Server unavailable', 137: 'Server busy', 138: 'Banned', 139: 'Server shutting down',
  140: 'Bad authentication method', 141: 'Keep Alive timeout', 142: 'Session taken over', 143: 'Topic Filter invalid',
  144: 'Topic Name invalid', 145: 'Packet Identifier in use', 146: 'Packet Identifier not found', 147: 'Receive Maximum exceeded',
  148: 'Topic Alias invalid', 149: 'Packet too large', 150: 'Message rate too high', 151: 'Quota exceeded',
  152: 'Administrative action', 153: 'Payload format invalid', 154: 'Retain not supported', 155: 'QoS not supported',
  156: 'Use another server', 157: 'Server moved', 158: 'Shared Subscriptions not supported', 159: 'Connection rate exceeded',
  160: 'Maximum connect time', 161: 'Subscription Identifiers not supported', 162: 'Wildcard Subscriptions not supported',
};

export function reasonText(code: number): string {
  return V5_REASONS[code] ?? 'Unknown reason';
}

const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED',
]);

/** Where we tried to connect, for messages. */
export function brokerLabel(settings: ConnectionSettings): string {
  if (settings.unix) return settings.unix;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${host}:${settings.port}`;
}

function isDefaultLocalBroker(settings: ConnectionSettings): boolean {
  return !settings.unix && settings.port === 1883 && ['localhost', '127.0.0.1', '::1'].includes(settings.host);
}

/** A CONNACK refusal, with the exit code mosquitto uses: the reason code itself. */
export function refusal(code: number, protocolVersion: number): RefusedError {
  const text = protocolVersion === 5 ? reasonText(code) : V3_REFUSALS[code] ?? `Connection Refused: unknown reason ${code}.`;
  const authHint = code === 4 || code === 5 || code === 134 || code === 135 ? 'Check -u and -P (or MQ_USERNAME/MQ_PASSWORD) and the broker\'s password file.' : undefined;
  const unsupported = code === 132 || (code === 1 && protocolVersion !== 5) ? 'Try another protocol version with -V 311 or -V 5.' : undefined;
  const hint = authHint ?? unsupported;
  return new RefusedError(code, `Connection error: ${text}${protocolVersion === 5 ? ` (reason code ${code})` : ''}`, hint ? { hint } : {});
}

/** Why a SUBACK refused a filter (sub and rr): the v5 reason, or the 3.1.1 failure code (0x80). */
export function subackReason(code: number, v5: boolean): string {
  return v5 ? `${reasonText(code)} (reason code ${code})` : `refused by the broker (0x${code.toString(16)})`;
}

/** Socket, DNS, TLS and CONNACK errors from MQTT.js -> one MqError a user can act on. */
export function toMqError(error: unknown, settings: ConnectionSettings): MqError {
  if (error instanceof MqError) return error;
  const err = error as NodeJS.ErrnoException & { code?: string | number };
  const where = brokerLabel(settings);
  if (typeof err.code === 'number') return refusal(err.code, settings.protocolVersion);
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') {
    const hint = isDefaultLocalBroker(settings)
      ? 'Is a broker running on localhost:1883? Start one with: npx mq broker'
      : `Is a broker running on ${where}?`;
    return new ConnectionError(`Connection refused by ${where}.`, { hint, cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ConnectionError(`Unable to connect: cannot resolve host "${settings.host}" (${code}).`, { hint: 'Check -h or the URL.', cause: error });
  }
  if (code === 'ENOENT' && settings.unix) return new ConnectionError(`No unix socket at ${settings.unix}.`, { cause: error });
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new ConnectionError(`Unable to connect to ${where}: ${err.message}.`, { cause: error });
  }
  if (code === 'EADDRNOTAVAIL') return new ConnectionError(`Cannot bind to the local address given with -A: ${err.message}.`, { cause: error });
  if (CERTIFICATE_ERRORS.has(code)) {
    return new TlsError(`TLS: the server certificate of ${where} is not trusted (${code}).`, {
      hint: 'Give the CA that signed it with --cafile, or skip verification with --insecure.', cause: error,
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new TlsError(`TLS: the server certificate does not match the host name "${settings.servername ?? settings.host}".`, {
      hint: 'Connect with the name in the certificate, give it with --servername, or skip verification with --insecure.', cause: error,
    });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new TlsError(`TLS: the server certificate of ${where} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}.`, { cause: error });
  }
  if (settings.psk !== undefined && settings.transport !== 'mqtt' && settings.transport !== 'ws' &&
    (code.startsWith('ERR_SSL_') || code === 'EPROTO' || /SSL|TLS/i.test(err.message ?? ''))) {
    const alert = /alert ([a-z ]+?)(?::|$)/i.exec(err.message ?? '')?.[1];
    return new TlsError(`TLS-PSK: the handshake with ${where} failed: the broker does not know the identity "${settings.pskIdentity ?? ''}" or holds another key for it${alert ? ` (TLS alert: ${alert})` : ''}.`, {
      hint: 'Check --psk and --psk-identity against the broker\'s psk_file.', cause: error,
    });
  }
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || /SSL|TLS/i.test(err.message ?? '')) {
    const plain = /wrong version number|packet length too long|unknown protocol/i.test(err.message ?? '');
    return new TlsError(`A TLS error occurred talking to ${where}: ${err.message}.`, {
      ...(plain ? { hint: 'Is this a TLS port? Plain MQTT is usually 1883, TLS 8883.' } : {}), cause: error,
    });
  }
  return new ConnectionError(`Unable to connect to ${where}: ${err.message ?? String(error)}.`, { cause: error });
}
