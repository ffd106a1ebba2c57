/** The signals a command may listen for. */
export type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE';

/** What the process gives a command. `process` satisfies it; tests can pass a fake. */
export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; fd?: number; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  cwd(): string;
  on(signal: Signal, listener: () => void): unknown;
  off(signal: Signal, listener: () => void): unknown;
  /** Rewritten so a password given with -P does not show in `ps`. */
  title?: string;
}
