/**
 * glibc strftime in the C locale, one conversion at a time (mosquitto_sub's `@X` is
 * `strftime("%X")`), plus the time stamps of %I, %U and the JSON `tst`.
 */

import { readFileSync } from 'node:fs';

export type TimeZoneMode = 'local' | 'utc';

/** A second of wall-clock time broken down the way `localtime()` / `gmtime()` do. */
export interface Calendar {
  /** Whole seconds since the epoch. */
  seconds: number;
  year: number;
  /** 0..11 */
  month: number;
  /** 1..31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** 0..365 */
  yearDay: number;
  /** Minutes east of UTC. */
  offsetMinutes: number;
  zoneMode: TimeZoneMode;
}

/** A calendar second plus the nanoseconds within it. */
export interface BrokenDownTime extends Calendar {
  /** 0..999 999 999 */
  nanoseconds: number;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

let zoneRule: { std: string; stdOffset: number; dst?: string; dstOffset?: number } | null | undefined;

/**
 * Zone names as glibc has them: the POSIX TZ rule of the zone (TZ itself, or the footer line of
 * its TZif file, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"). Read once, lazily, only when %Z is used.
 */
function loadZoneRule(): typeof zoneRule {
  let tz = process.env.TZ;
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

/** The zone abbreviation (%Z): "UTC", "CET", "EDT", or tzdata's numeric form ("+0530") when unknown. */
function zoneName(offsetMinutes: number, mode: TimeZoneMode): string {
  if (mode === 'utc') return 'UTC';
  if (zoneRule === undefined) zoneRule = loadZoneRule();
  if (zoneRule) {
    if (offsetMinutes === zoneRule.stdOffset) return zoneRule.std;
    if (zoneRule.dst !== undefined && offsetMinutes === zoneRule.dstOffset) return zoneRule.dst;
  }
  if (offsetMinutes === 0 && !zoneRule) return 'UTC';
  const abs = Math.abs(offsetMinutes);
  return (offsetMinutes < 0 ? '-' : '+') + pad2(Math.floor(abs / 60)) + (abs % 60 ? pad2(abs % 60) : '');
}

let lastSecond = NaN;
let lastMode: TimeZoneMode = 'local';
let lastCalendar: Calendar | undefined;

/** The calendar of one second since the epoch (cached: every message of a burst shares it). */
export function calendarAt(seconds: number, mode: TimeZoneMode): Calendar {
  if (seconds === lastSecond && mode === lastMode && lastCalendar !== undefined) return lastCalendar;
  const date = new Date(seconds * 1000);
  const utc = mode === 'utc';
  const year = utc ? date.getUTCFullYear() : date.getFullYear();
  const month = utc ? date.getUTCMonth() : date.getMonth();
  const day = utc ? date.getUTCDate() : date.getDate();
  lastCalendar = {
    seconds,
    year,
    month,
    day,
    hour: utc ? date.getUTCHours() : date.getHours(),
    minute: utc ? date.getUTCMinutes() : date.getMinutes(),
    second: utc ? date.getUTCSeconds() : date.getSeconds(),
    weekday: utc ? date.getUTCDay() : date.getDay(),
    yearDay: Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000),
    offsetMinutes: utc ? 0 : -date.getTimezoneOffset(),
    zoneMode: mode,
  };
  lastSecond = seconds;
  lastMode = mode;
  return lastCalendar;
}

/** Whole seconds and nanoseconds (microsecond resolution: a double holds no more today) of a time in ms. */
export function splitTime(epochMs: number): { seconds: number; nanoseconds: number } {
  const seconds = Math.floor(epochMs / 1000);
  const micros = Math.min(999_999, Math.round((epochMs - seconds * 1000) * 1000));
  return { seconds, nanoseconds: micros * 1000 };
}

/** Break a time (ms since the epoch, fractions allowed) down like localtime()/gmtime(). */
export function breakDown(epochMs: number, mode: TimeZoneMode): BrokenDownTime {
  const { seconds, nanoseconds } = splitTime(epochMs);
  return { ...calendarAt(seconds, mode), nanoseconds };
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function pad3(n: number): string {
  return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n);
}

function space2(n: number): string {
  return n < 10 ? ' ' + n : String(n);
}

/** `+hhmm` / `-hhmm` as %z prints it. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return sign + pad2(Math.floor(abs / 60)) + pad2(abs % 60);
}

function hour12(hour: number): number {
  const h = hour % 12;
  return h === 0 ? 12 : h;
}

/** ISO 8601 week-based year and week number (%G, %g, %V). */
function isoWeek(t: Calendar): { year: number; week: number } {
  const isoWeekday = (t.weekday + 6) % 7; // Monday = 0
  const thursday = t.yearDay - isoWeekday + 3; // day-of-year of this week's Thursday
  let year = t.year;
  const daysInYear = (y: number) => ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365);
  let dayOfThursday = thursday;
  if (thursday < 0) {
    year -= 1;
    dayOfThursday = thursday + daysInYear(year);
  } else if (thursday >= daysInYear(year)) {
    dayOfThursday = thursday - daysInYear(year);
    year += 1;
  }
  return { year, week: Math.floor(dayOfThursday / 7) + 1 };
}

/**
 * One glibc strftime conversion in the C locale. Characters glibc does not know (and the bare
 * E/O modifiers and flags) come out as `%` followed by the character, as glibc prints them.
 */
export function strftimeConversion(conversion: string, t: Calendar): string {
  switch (conversion) {
    case 'a': return DAYS[t.weekday]!.slice(0, 3);
    case 'A': return DAYS[t.weekday]!;
    case 'b': case 'h': return MONTHS[t.month]!.slice(0, 3);
    case 'B': return MONTHS[t.month]!;
    case 'c': return `${DAYS[t.weekday]!.slice(0, 3)} ${MONTHS[t.month]!.slice(0, 3)} ${space2(t.day)} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)} ${t.year}`;
    case 'C': return pad2(Math.floor(t.year / 100));
    case 'd': return pad2(t.day);
    case 'D': case 'x': return `${pad2(t.month + 1)}/${pad2(t.day)}/${pad2(t.year % 100)}`;
    case 'e': return space2(t.day);
    case 'F': return `${t.year}-${pad2(t.month + 1)}-${pad2(t.day)}`;
    case 'g': return pad2(isoWeek(t).year % 100);
    case 'G': return String(isoWeek(t).year);
    case 'H': return pad2(t.hour);
    case 'I': return pad2(hour12(t.hour));
    case 'j': return pad3(t.yearDay + 1);
    case 'k': return space2(t.hour);
    case 'l': return space2(hour12(t.hour));
    case 'm': return pad2(t.month + 1);
    case 'M': return pad2(t.minute);
    case 'n': return '\n';
    case 'p': return t.hour < 12 ? 'AM' : 'PM';
    case 'P': return t.hour < 12 ? 'am' : 'pm';
    case 'r': return `${pad2(hour12(t.hour))}:${pad2(t.minute)}:${pad2(t.second)} ${t.hour < 12 ? 'AM' : 'PM'}`;
    case 'R': return `${pad2(t.hour)}:${pad2(t.minute)}`;
    case 's': return String(t.seconds);
    case 'S': return pad2(t.second);
    case 't': return '\t';
    case 'T': case 'X': return `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
    case 'u': return String(t.weekday === 0 ? 7 : t.weekday);
    case 'U': return pad2(Math.floor((t.yearDay + 7 - t.weekday) / 7));
    case 'V': return pad2(isoWeek(t).week);
    case 'w': return String(t.weekday);
    case 'W': return pad2(Math.floor((t.yearDay + 7 - ((t.weekday + 6) % 7)) / 7));
    case 'y': return pad2(t.year % 100);
    case 'Y': return String(t.year);
    case 'z': return formatOffset(t.offsetMinutes);
    case 'Z': return zoneName(t.offsetMinutes, t.zoneMode);
    case '%': return '%';
    default:
      // glibc reads 1-9 as a field width, then pads the unknown "%N" to it: "@5" -> "   %5"
      if (conversion >= '1' && conversion <= '9') return ('%' + conversion).padStart(Number(conversion), ' ');
      return '%' + conversion;
  }
}

/** strftime("%FT%T%z"), e.g. 2016-08-10T09:47:38+0100 (%I). */
export function isoSeconds(t: Calendar): string {
  return `${t.year}-${pad2(t.month + 1)}-${pad2(t.day)}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}${formatOffset(t.offsetMinutes)}`;
}

/** The JSON `tst`: `YYYY-MM-DDTHH:MM:SS.uuuuuu±hhmm` (2.1; 2.0.11's stray `Z` is not copied). */
export function isoMicros(t: BrokenDownTime): string {
  return isoMicrosPrefix(t) + String(Math.floor(t.nanoseconds / 1000)).padStart(6, '0') + formatOffset(t.offsetMinutes);
}

/** `YYYY-MM-DDTHH:MM:SS.`: the part of `tst` shared by every message of one second. */
export function isoMicrosPrefix(t: Calendar): string {
  return `${t.year}-${pad2(t.month + 1)}-${pad2(t.day)}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}.`;
}

/** %U: `<epoch seconds>.<9-digit nanoseconds>`. */
export function epochNanos(t: BrokenDownTime): string {
  return `${t.seconds}.${String(t.nanoseconds).padStart(9, '0')}`;
}
