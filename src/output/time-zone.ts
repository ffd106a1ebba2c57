/**
 * The process's local time zone, as the C library that mosquitto_sub uses sees it: the clock from
 * Date's local fields (V8 follows TZ), names from the zone's POSIX rule (TZ itself, or the footer
 * line of its TZif file). strftime.ts stays pure by being given this.
 */
import { readFileSync } from 'node:fs';
import { formatOffset, type TimeZone } from './strftime.js';

interface ZoneRule {
  std: string;
  stdOffset: number;
  dst?: string;
  dstOffset?: number;
}

/** The local zone; its rule is read once, lazily, only when %Z is used. */
export function localTimeZone(): TimeZone {
  let rule: ZoneRule | null | undefined;
  return {
    clockAt(epochMs) {
      // The local fields themselves, not the moment shifted by getTimezoneOffset(): that is whole
      // minutes, and old offsets had seconds (Dublin was UTC-0:25:21 until 1916).
      const local = new Date(epochMs);
      const clock = new Date(0);
      clock.setUTCFullYear(local.getFullYear(), local.getMonth(), local.getDate());
      clock.setUTCHours(local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds());
      return { clock, offsetMinutes: -local.getTimezoneOffset() };
    },
    abbreviation(offsetMinutes) {
      if (rule === undefined) rule = loadZoneRule(process.env.TZ);
      return zoneName(offsetMinutes, rule);
    },
  };
}

/** The zone abbreviation (%Z): "CET", "EDT", or tzdata's numeric form ("+0530") when unknown. */
function zoneName(offsetMinutes: number, rule: ZoneRule | null): string {
  if (rule) {
    if (offsetMinutes === rule.stdOffset) return rule.std;
    if (rule.dst !== undefined && offsetMinutes === rule.dstOffset) return rule.dst;
  }
  if (offsetMinutes === 0 && !rule) return 'UTC';
  const numeric = formatOffset(offsetMinutes);
  return Math.abs(offsetMinutes) % 60 ? numeric : numeric.slice(0, -2);
}

/**
 * Zone names as glibc has them: the POSIX TZ rule of the zone (TZ itself, or the footer line of
 * its TZif file, e.g. "CET-1CEST,M3.5.0,M10.5.0/3").
 */
function loadZoneRule(tzVariable: string | undefined): ZoneRule | null {
  let tz = tzVariable;
  let rule: string | undefined;
  if (tz === '') return null;
  try {
    if (tz?.startsWith(':')) tz = tz.slice(1);
    const file = tz === undefined ? '/etc/localtime' : tz.startsWith('/') ? tz : `/usr/share/zoneinfo/${tz}`;
    if (tz === undefined || !tz.includes('..')) {
      const text = readFileSync(file).toString('latin1').replace(/\n$/, '');
      if (text.startsWith('TZif')) rule = text.slice(text.lastIndexOf('\n') + 1);
    }
  } catch {
    rule = undefined;
  }
  rule ??= tz;
  if (!rule) return null;
  const match = /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})(?:(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})?)?/.exec(rule);
  if (!match) return null;
  const name = (text: string) => text.replace(/^<(.*)>$/, '$1');
  const minutesEast = (text: string) => {
    const sign = text.startsWith('-') ? 1 : -1; // POSIX offsets count west
    const [h = 0, m = 0] = text.replace(/^[+-]/, '').split(':').map(Number);
    return sign * (h * 60 + m);
  };
  const stdOffset = minutesEast(match[2]!);
  return {
    std: name(match[1]!),
    stdOffset,
    dst: match[3] === undefined ? undefined : name(match[3]),
    dstOffset: match[3] === undefined ? undefined : match[4] === undefined ? stdOffset + 60 : minutesEast(match[4]),
  };
}
