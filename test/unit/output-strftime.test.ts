// @ strftime fields, %I and the JSON tst in a local time zone with a non-zero offset.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { breakDown, isoMicros, isoSeconds, epochNanos, strftimeConversion, UTC, type TimeZone } from '../../src/output/strftime.js';
import { localTimeZone } from '../../src/output/time-zone.js';
import { createFormatter } from '../../src/output/format.js';

process.env.TZ = 'America/New_York'; // read lazily by Date and the %Z lookup

const WINTER = Date.UTC(2026, 0, 4, 3, 5, 9) + 7.5; // Sun 2026-01-03 22:05:09.0075 EST
const SUMMER = Date.UTC(2026, 6, 1, 12, 0, 0); // Wed 2026-07-01 08:00:00 EDT

describe('local time (America/New_York)', () => {
  test('offset, zone name and the calendar follow the zone', () => {
    const t = breakDown(WINTER, localTimeZone());
    assert.equal(isoSeconds(t), '2026-01-03T22:05:09-0500');
    assert.equal(isoMicros(t), '2026-01-03T22:05:09.007500-0500');
    assert.equal(epochNanos(t), '1767495909.007500000');
    const conversions = 'aAbBdejuwUWVGgHIklpPzZ';
    assert.deepEqual([...conversions].map((c) => strftimeConversion(c, t)), ['Sat', 'Saturday', 'Jan', 'January', '03', ' 3', '003', '6', '6', '00', '00', '01', '2026', '26', '22', '10', '22', '10', 'PM', 'pm', '-0500', 'EST']);
  });
  test('daylight saving time', () => {
    const t = breakDown(SUMMER, localTimeZone());
    assert.equal(isoSeconds(t), '2026-07-01T08:00:00-0400');
    assert.equal(strftimeConversion('Z', t), 'EDT');
  });
  test('utc mode ignores TZ', () => {
    const t = breakDown(WINTER, UTC);
    assert.equal(isoSeconds(t), '2026-01-04T03:05:09+0000');
    assert.equal(strftimeConversion('Z', t), 'UTC');
  });
  test('-F defaults to local time, like mosquitto', () => {
    const f = createFormatter({ verbose: false, eol: false, pretty: false, json: false, format: '%I @Z|%j' });
    const text = f({ topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, mid: 0, receivedAt: WINTER }).toString();
    assert.equal(text, '2026-01-03T22:05:09-0500 EST|{"tst":"2026-01-03T22:05:09.007500-0500","topic":"t","qos":0,"retain":false,"payloadlen":1,"payload":"x"}');
  });
});

describe('ISO week fields at year boundaries', () => {
  const cases: Array<[number, string, string, string]> = [
    // [utc ms, %G, %V, %U/%W]
    [Date.UTC(2021, 0, 1), '2020', '53', '00/00'], // Friday
    [Date.UTC(2024, 11, 30), '2025', '01', '52/53'], // Monday
    [Date.UTC(2027, 0, 3), '2026', '53', '01/00'], // Sunday
  ];
  for (const [ms, g, v, uw] of cases) {
    test(new Date(ms).toISOString().slice(0, 10), () => {
      const t = breakDown(ms, UTC);
      assert.equal(strftimeConversion('G', t), g);
      assert.equal(strftimeConversion('V', t), v);
      assert.equal(`${strftimeConversion('U', t)}/${strftimeConversion('W', t)}`, uw);
    });
  }
});

describe('the time zone is passed in', () => {
  test('a fixed +05:30 zone, whatever TZ says', () => {
    const zone: TimeZone = { clockAt: (ms) => ({ clock: new Date(ms + 330 * 60_000), offsetMinutes: 330 }), abbreviation: () => 'IST' };
    const t = breakDown(WINTER, zone);
    assert.equal(isoSeconds(t), '2026-01-04T08:35:09+0530');
    assert.equal(isoMicros(t), '2026-01-04T08:35:09.007500+0530');
    assert.equal(strftimeConversion('c', t), 'Sun Jan  4 08:35:09 2026');
    assert.equal(strftimeConversion('Z', t), 'IST');
  });
});
