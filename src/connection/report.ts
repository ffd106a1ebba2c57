import type { Resolved, Source } from './resolve.js';
import { SETTINGS } from './settings.js';

export interface SettingRow {
  key: string;
  value: string | number | boolean;
  source: Source;
}

/** Every resolved setting with its source, secrets redacted; unset optional settings left out. Pure. */
export function settingsReport(resolved: Resolved): SettingRow[] {
  const rows: SettingRow[] = [];
  for (const spec of SETTINGS) {
    const value = resolved.settings[spec.key];
    if (value === undefined) continue;
    rows.push({ key: spec.key, value: spec.secret ? '********' : value, source: resolved.sources[spec.key] ?? { kind: 'default' } });
  }
  return rows;
}

export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'flag': return `flag ${source.flag}`;
    case 'env': return `env ${source.name}`;
    case 'rc': return `rc ${source.file}${source.profile ? ` (profile ${source.profile})` : ''}`;
    case 'options-file': return `options file ${source.file}`;
    case 'srv': return `SRV ${source.query}`;
    case 'default': return 'default';
  }
}
