import { SETTINGS } from './settings.js';
import type { RawLayer } from './resolve.js';

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
