/**
 * PURE: mosquitto's log types, which select what `mq broker` logs: `log_type` lines in a
 * mosquitto.conf, `--log-type` flags and `-v`.
 */

/** The kinds of line mq broker writes, named as mosquitto names them. */
export type LogType = 'error' | 'warning' | 'notice' | 'information' | 'subscribe' | 'unsubscribe' | 'debug';

export const LOG_TYPES: readonly LogType[] = ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe', 'debug'];

/** What `log_type` and `--log-type` accept: a type, or none (clears what came before) or all. */
export const LOG_TYPE_NAMES = ['none', ...LOG_TYPES, 'all'] as const;
export type LogTypeName = (typeof LOG_TYPE_NAMES)[number];

/**
 * mosquitto also accepts these; mq broker writes no such lines, so they select nothing
 * (a mosquitto.conf that names them still works).
 */
export const MOSQUITTO_ONLY_LOG_TYPES: readonly string[] = ['websockets', 'internal'];

/** `-v`: everything except the debug lines (one per MQTT packet). */
export const VERBOSE_LOG_TYPES: readonly LogType[] = LOG_TYPES.filter((type) => type !== 'debug');

export function isLogTypeName(name: string): name is LogTypeName {
  return (LOG_TYPE_NAMES as readonly string[]).includes(name);
}

/**
 * The types to log, from `log_type` names in the order given (the config file's, then the flags'):
 * they add up, as in mosquitto, where `none` clears the ones before it and `all` selects every
 * type. `-v` adds every type but debug. Returns them in LOG_TYPES order; empty means log nothing.
 */
export function resolveLogTypes(names: readonly string[], verbose: boolean): LogType[] {
  let selected = new Set<LogType>();
  for (const name of names) {
    if (name === 'none') selected = new Set();
    else if (name === 'all') selected = new Set(LOG_TYPES);
    else if ((LOG_TYPES as readonly string[]).includes(name)) selected.add(name as LogType);
  }
  if (verbose) for (const type of VERBOSE_LOG_TYPES) selected.add(type);
  return LOG_TYPES.filter((type) => selected.has(type));
}
