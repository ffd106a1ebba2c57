import { SETTINGS } from './settings.js';
import type { RawLayer } from './resolve.js';

/** Variables that are not connection settings but steer where settings come from. */
export const META_VARIABLES = {
  MQ_URL: 'broker URL, as -L',
  MQ_WS: 'WebSocket transport, as --ws (1 or true)',
  MQ_PROFILE: 'rc profile to use, as --profile',
  MQ_CONFIG: 'rc file to load instead of searching, as --config',
} as const;

/** Every MQ_* variable mq reads, with what it sets (for --help, README and `mq config`). */
export function environmentVariables(): { name: string; setting: string }[] {
  return [
    ...Object.entries(META_VARIABLES).map(([name, setting]) => ({ name, setting })),
    ...SETTINGS.filter((s) => s.env).map((s) => ({ name: s.env!, setting: s.flag })),
  ];
}

/**
 * MQ_* variables -> the environment layer. Pure. Empty variables count as unset,
 * so `MQ_HOST= mq pub ...` falls through to the rc file and defaults.
 */
export function readEnv(env: Record<string, string | undefined>): { layer: RawLayer; profile?: string; config?: string } {
  const layer: RawLayer = {};
  const get = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  for (const spec of SETTINGS) {
    if (spec.env && get(spec.env) !== undefined) layer[spec.key] = get(spec.env);
  }
  if (get('MQ_URL') !== undefined) layer.url = get('MQ_URL');
  if (get('MQ_WS') !== undefined) layer.ws = /^(1|true|yes|on)$/i.test(get('MQ_WS')!);
  const result: { layer: RawLayer; profile?: string; config?: string } = { layer };
  if (get('MQ_PROFILE') !== undefined) result.profile = get('MQ_PROFILE');
  if (get('MQ_CONFIG') !== undefined) result.config = get('MQ_CONFIG');
  return result;
}
