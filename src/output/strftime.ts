/**
 * glibc strftime in the C locale, one conversion at a time (mosquitto_sub's `@X` is
 * `strftime("%X")`), plus the time stamps of %I, %U and the JSON `tst`. Pure: the time zone is
 * passed in (time-zone.ts is the process's local one; UTC is here).
 */

/** What localtime() / gmtime() and %Z need of a time zone. */
export interface TimeZone {
  /**
   * The clock at a moment (ms since the epoch): a Date whose UTC fields read as this zone's clock
   * does, and the offset that %z prints (whole minutes east of UTC).
   */
  clockAt(epochMs: number): { clock: Date; offsetMinutes: number };
  /** What %Z prints for a time at this offset in this zone: "UTC", "CET", "EDT", "+0530". */
  abbreviation(offsetMinutes: number): string;
}

export const UTC: TimeZone = {
  clockAt: (epochMs) => ({ clock: new Date(epochMs), offsetMinutes: 0 }),
  abbreviation: () => 'UTC',
};

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
  zone: TimeZone;
}

/** A calendar second plus the nanoseconds within it. */
export interface BrokenDownTime extends Calendar {
  /** 0..999 999 999 */
  nanoseconds: number;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The calendar of one second since the epoch in a zone. */
export function calendarAt(seconds: number, zone: TimeZone): Calendar {
  const { clock: date, offsetMinutes } = zone.clockAt(seconds * 1000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  return {
    seconds,
    year,
    month,
    day,
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    weekday: date.getUTCDay(),
    yearDay: Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000),
    offsetMinutes,
    zone,
  };
}

/** Whole seconds and nanoseconds (microsecond resolution: a double holds no more today) of a time in ms. */
export function splitTime(epochMs: number): { seconds: number; nanoseconds: number } {
  const seconds = Math.floor(epochMs / 1000);
  const micros = Math.min(999_999, Math.round((epochMs - seconds * 1000) * 1000));
  return { seconds, nanoseconds: micros * 1000 };
}

/** Break a time (ms since the epoch, fractions allowed) down like localtime()/gmtime(). */
export function breakDown(epochMs: number, zone: TimeZone): BrokenDownTime {
  const { seconds, nanoseconds } = splitTime(epochMs);
  return { ...calendarAt(seconds, zone), nanoseconds };
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
    case 'Z': return t.zone.abbreviation(t.offsetMinutes);
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
