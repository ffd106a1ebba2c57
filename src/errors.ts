/**
 * The one error family. Commands throw these; src/cli.ts is the only place that
 * prints them (one line on stderr) and turns them into an exit code.
 *
 * Exit codes follow mosquitto's clients where they define one (see README):
 *   0 ok · 1 usage, configuration, connection · 2 password mismatch (passwd)
 *   CONNACK reason code when the broker refuses (5 v3.1.1, 128-159 v5)
 *   7 connection lost · 8 TLS failure · 27 -W timeout · 130 interrupted with work undone
 */
export class MqError extends Error {
  readonly exitCode: number;
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments: exit 1, as mosquitto's clients do. */
export class UsageError extends MqError {}

/** An rc file, an MQ_* variable or a setting that cannot be used: exit 1. */
export class ConfigError extends MqError {}

/** Could not reach or talk to the broker (refused, DNS, timeout): exit 1. */
export class ConnectionError extends MqError {}

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

/** The broker answered CONNACK with a refusal: the exit code is the reason code. */
export class RefusedError extends MqError {
  readonly reasonCode: number;
  constructor(reasonCode: number, message: string, options: { hint?: string } = {}) {
    super(message, { ...options, exitCode: reasonCode });
    this.reasonCode = reasonCode;
  }
}

/** `-W` ran out: mosquitto prints "Timed out" and exits 27. */
export class TimeoutError extends MqError {
  constructor(message = 'Timed out', options: { exitCode?: number } = {}) {
    super(message, { exitCode: options.exitCode ?? 27 });
  }
}

/**
 * A failure that mosquitto reports without our "Error: " prefix, or a plain
 * non-zero exit after the command already said everything (e.g. passwd --check).
 */
export class ExitError extends MqError {
  constructor(exitCode: number, message = '') {
    super(message, { exitCode });
  }
}

/** Exit code for anything thrown: MqError carries its own, everything else is 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof MqError) return error.exitCode;
  return 1;
}
