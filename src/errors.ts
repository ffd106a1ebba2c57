/**
 * The one error family, and THE exit-code table: commands throw these; src/run-cli.ts is the only
 * place that prints them (one line on stderr) and exits with their code. No other file picks an
 * exit code (test/unit/errors.test.ts fails on one that does).
 *
 * Codes follow mosquitto's clients where they define one (the README's table is the user's copy):
 *
 *   code     thrown as               when
 *   0        (nothing thrown)        the work is done
 *   1        MqError                 anything else that failed; the subclasses below name the usual kinds
 *            UsageError              bad flags or arguments (mosquitto's clients exit 1 here too, not 2)
 *            ConfigError             an rc file, an MQ_* variable or a setting that cannot be used
 *            ConnectionError         the broker cannot be reached (refused socket, DNS, timeout)
 *            UnacknowledgedError     QoS 1/2 messages the broker never acknowledged
 *            DecodeFailedError       sub --decode-errors fail: a payload did not decode
 *   2        PasswordMismatchError   passwd: the password and its confirmation differ
 *   7        ConnectionLostError     the connection dropped with work in progress and no retry
 *   8        TlsError                the TLS handshake or the certificate check failed
 *   27       TimeoutError            -W ran out
 *   130      InterruptedError        SIGINT/SIGTERM with work undone (128 + SIGINT, as shells report it)
 *   reason   RefusedError            the broker's reason code when it refuses a CONNACK (5 in v3.1.1,
 *                                    128-159 in v5), a SUBACK or a PUBACK/PUBREC
 */

export interface MqErrorOptions {
  /** Only for an error that carries another's code across a boundary (a bench worker's, say); else use a subclass. */
  exitCode?: number;
  /** Printed after the message: what to try. */
  hint?: string;
  cause?: unknown;
  /**
   * The user has been told already, in mosquitto's words and at the moment it happened (a warning,
   * "Timed out" before the DISCONNECT): run-cli prints nothing more and only exits with the code.
   */
  reported?: boolean;
}

export class MqError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  readonly reported: boolean;

  constructor(message: string, options: MqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
    this.reported = options.reported ?? false;
  }
}

/** Bad flags or arguments: exit 1, as mosquitto's clients do. */
export class UsageError extends MqError {}

/** An rc file, an MQ_* variable or a setting that cannot be used: exit 1. */
export class ConfigError extends MqError {}

/** Could not reach or talk to the broker (refused, DNS, timeout): exit 1. */
export class ConnectionError extends MqError {}

/** QoS 1/2 messages that the broker never acknowledged: exit 1 (130 when an interrupt cut the wait short). */
export class UnacknowledgedError extends MqError {
  readonly count: number;
  constructor(count: number) {
    super(`${count} message(s) were not acknowledged by the broker.`);
    this.count = count;
  }
}

/** `mq sub --decode-errors fail`: a payload that its codec could not decode: exit 1. */
export class DecodeFailedError extends MqError {}

/** passwd: the password and its confirmation differ: exit 2, as mosquitto_passwd. */
export class PasswordMismatchError extends MqError {
  constructor(message = 'Passwords do not match.') {
    super(message, { exitCode: 2 });
  }
}

/** The connection dropped while work was in progress and will not be retried: exit 7. */
export class ConnectionLostError extends MqError {
  constructor(message = 'The connection was lost.', options: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: 7 });
  }
}

/** The TLS handshake or certificate check failed: exit 8. */
export class TlsError extends MqError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: 8 });
  }
}

/** The broker refused a CONNECT, a SUBSCRIBE or a PUBLISH: the exit code is its reason code. */
export class RefusedError extends MqError {
  readonly reasonCode: number;
  constructor(reasonCode: number, message: string, options: { hint?: string; reported?: boolean } = {}) {
    super(message, { ...options, exitCode: reasonCode });
    this.reasonCode = reasonCode;
  }
}

/**
 * `-W` ran out: exit 27. mosquitto prints "Timed out" when it happens (no "Error: ", hidden by
 * --quiet, ahead of the DISCONNECT that -d traces), so the command prints `message` itself then.
 */
export class TimeoutError extends MqError {
  constructor() {
    super('Timed out', { exitCode: 27, reported: true });
  }
}

/** SIGINT or SIGTERM (or Ctrl-C at a prompt) with work undone: exit 130. */
export class InterruptedError extends MqError {
  constructor(message = 'Interrupted.', options: { reported?: boolean } = {}) {
    super(message, { ...options, exitCode: 130 });
  }
}

/** Exit code for anything thrown: MqError carries its own, everything else is 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof MqError) return error.exitCode;
  return 1;
}
