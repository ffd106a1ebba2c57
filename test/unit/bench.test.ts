import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nowNs, RelativeClock, splitNs } from '../../src/bench/clock.js';
import { addCounters, emptyCounters, totalCounters } from '../../src/bench/counters.js';
import { HEADER_SIZE, makePayload, readHeader, writeHeader } from '../../src/bench/header.js';
import { addEncoded, createHistogram, encodeHistogram, recordNs, summarize } from '../../src/bench/histogram.js';
import { buildPlan, type BenchFlags, type BenchMode } from '../../src/bench/plan.js';
import { buildReport, liveLine, lostCount, renderSummary, windowRate } from '../../src/bench/report.js';
import type { BenchResult } from '../../src/bench/result.js';
import { assignClients, scheduledWindowNs } from '../../src/bench/runner.js';
import { OVERRUN_NS, publisherTimes, Schedule, type Due } from '../../src/bench/schedule.js';
import { MAX_HOLES, SequenceTracker } from '../../src/bench/sequence.js';
import { checkTemplate, expandTopic, filterForTemplate } from '../../src/bench/topic.js';
import { UsageError } from '../../src/errors.js';

const limits = { cores: 2, targets: 1, defaultIdPrefix: 'mq-bench-test-' };
const plan = (flags: BenchFlags = {}, mode: BenchMode = 'pubsub') => buildPlan(mode, flags, limits);

describe('payload header', () => {
  test('round trip, including sequence numbers above 2^32 and a 64-bit timestamp', () => {
    for (const header of [
      { runId: 0, clockDomain: 0, publisherId: 0, sequence: 0, intendedHi: 0, intendedLo: 0 },
      { runId: 0xffffffff, clockDomain: 0x12345678, publisherId: 4_000_000_000, sequence: 2 ** 40 + 7, intendedHi: 0x80000000, intendedLo: 5 },
      { runId: 42, clockDomain: 7, publisherId: 3, sequence: 123_456, ...splitTime(987_654_321_012n) },
    ]) {
      const payload = makePayload(HEADER_SIZE + 10);
      writeHeader(payload, header);
      assert.deepEqual(readHeader(payload), header);
    }
  });

  test('filler after the header; payloads without the header are not bench messages', () => {
    const payload = makePayload(40);
    assert.equal(payload.length, 40);
    assert.ok(payload.subarray(HEADER_SIZE).every((b) => b >= 0x21 && b < 0x7f));
    assert.equal(readHeader(Buffer.from('hello')), undefined);
    assert.equal(readHeader(Buffer.alloc(64)), undefined);
    const short = makePayload(HEADER_SIZE);
    writeHeader(short, { runId: 1, clockDomain: 1, publisherId: 1, sequence: 1, intendedHi: 0, intendedLo: 1 });
    assert.equal(readHeader(short.subarray(0, HEADER_SIZE - 1)), undefined);
  });
});

const splitTime = (ns: bigint) => { const { hi, lo } = splitNs(ns); return { intendedHi: hi, intendedLo: lo }; };

describe('relative clock', () => {
  test('split and join are exact around the 32-bit boundary and far from the base', () => {
    const clock = new RelativeClock();
    for (const rel of [0, 1, 123_456_789, 2 ** 32, 2 ** 32 - 1, 3 * 2 ** 32 + 17, 86_400e9 * 30]) {
      const { hi, lo } = clock.split(rel);
      assert.ok(lo >= 0 && lo < 2 ** 32 && Number.isInteger(hi));
      assert.equal(clock.join(hi, lo), rel);
      assert.equal((BigInt(hi) << 32n) + BigInt(lo), clock.base + BigInt(rel));
    }
  });

  test('now() follows the monotonic clock that other threads and processes read', () => {
    const clock = new RelativeClock();
    const before = clock.relative(nowNs());
    const mine = clock.now();
    const after = clock.relative(nowNs());
    assert.ok(before - 50_000 <= mine && mine <= after + 50_000, `${before} ${mine} ${after}`);
  });
});

describe('fixed schedule', () => {
  test('publishers are staggered over one interval; warm-up and count split exactly', () => {
    const shape = { intervalNs: 1000, totalPublishers: 4, warmupNs: 2500, count: 10 };
    const times = [0, 1, 2, 3].map((i) => publisherTimes(shape, i));
    assert.deepEqual(times.map((t) => t.offsetNs), [0, 250, 500, 750]);
    // First message at or after 2500 ns: 0 + 3*1000, 250 + 3*1000, 500 + 2*1000, 750 + 2*1000.
    assert.deepEqual(times.map((t) => t.firstMeasuredSeq), [3, 3, 2, 2]);
    // 10 messages over 4 publishers: 3, 3, 2, 2.
    assert.deepEqual(times.map((t) => t.endSeq - t.firstMeasuredSeq), [3, 3, 2, 2]);
  });

  test('with a duration, every message whose intended time is inside the window', () => {
    const shape = { intervalNs: 1000, totalPublishers: 2, warmupNs: 0, durationNs: 3000 };
    assert.deepEqual([0, 1].map((i) => publisherTimes(shape, i)), [
      { offsetNs: 0, firstMeasuredSeq: 0, endSeq: 3 },
      { offsetNs: 500, firstMeasuredSeq: 0, endSeq: 3 },
    ]);
    assert.equal(publisherTimes({ intervalNs: 1000, totalPublishers: 1, warmupNs: 0 }, 0).endSeq, Infinity);
    // 130 000 msg/s for 5 s is 650 000 messages, not one more from rounding.
    assert.equal(publisherTimes({ intervalNs: 1e9 / 130_000, totalPublishers: 1, warmupNs: 0, durationNs: 5e9 }, 0).endSeq, 650_000);
    assert.equal(publisherTimes({ intervalNs: 1e9 / 130_000, totalPublishers: 1, warmupNs: 1e9, durationNs: 4e9 }, 0).firstMeasuredSeq, 130_000);
  });

  const collect = (schedule: Schedule, now: number, limit = 1000, accept: (d: Due) => boolean = () => true) => {
    const sent: Due[] = [];
    schedule.takeDue(now, limit, (d) => (accept(d) ? (sent.push(d), true) : false));
    return sent.map((d) => `${d.publisher}:${d.sequence}@${d.intendedNs}`);
  };

  test('sends what is due, earliest first, and nothing early', () => {
    const shape = { intervalNs: 1000, totalPublishers: 2, warmupNs: 0, count: 6 };
    const schedule = new Schedule(1000, [0, 1].map((i) => publisherTimes(shape, i)));
    assert.deepEqual(collect(schedule, 0), ['0:0@0']);
    assert.deepEqual(collect(schedule, 499), []);
    assert.deepEqual(collect(schedule, 1600), ['1:0@500', '0:1@1000', '1:1@1500']);
    assert.equal(schedule.nextDueNs(), 2000);
    assert.deepEqual(collect(schedule, 10_000), ['0:2@2000', '1:2@2500']);
    assert.equal(schedule.finished, true);
    assert.equal(schedule.nextDueNs(), undefined);
    assert.equal(schedule.overruns, 0);
  });

  test('a sender that falls behind catches up at once and counts overruns, the schedule does not stretch', () => {
    const interval = 1_000_000;
    const schedule = new Schedule(interval, [publisherTimes({ intervalNs: interval, totalPublishers: 1, warmupNs: 0, count: 30 }, 0)]);
    // Stalled for 25 ms: messages 0..25 are due; the ones more than 10 ms late are overruns.
    const sent = collect(schedule, 25_000_000);
    assert.equal(sent.length, 26);
    assert.equal(schedule.overruns, 15); // messages 0..14 are 11-25 ms late
    assert.equal(OVERRUN_NS, 10_000_000);
    // The next one is still at its original time.
    assert.equal(schedule.nextDueNs(), 26_000_000);
  });

  test('the batch limit leaves the rest due for the next turn', () => {
    const schedule = new Schedule(10, [publisherTimes({ intervalNs: 10, totalPublishers: 1, warmupNs: 0, count: 100 }, 0)]);
    assert.equal(collect(schedule, 1000, 7).length, 7);
    assert.equal(collect(schedule, 1000, 1000).length, 93);
  });

  test('a blocked publisher is parked until unblocked; the others go on', () => {
    const shape = { intervalNs: 100, totalPublishers: 2, warmupNs: 0, count: 10 };
    const schedule = new Schedule(100, [0, 1].map((i) => publisherTimes(shape, i)));
    assert.deepEqual(collect(schedule, 200, 100, (d) => d.publisher === 1), ['1:0@50', '1:1@150']);
    assert.equal(schedule.unblock(1), false);
    assert.equal(schedule.unblock(0), true);
    assert.deepEqual(collect(schedule, 200), ['0:0@0', '0:1@100', '0:2@200']);
    assert.equal(schedule.sent(0), 3);
    assert.equal(schedule.measured(0, 0), true);
  });

  test('a retired publisher (it never connected) sends nothing and does not hold up the end', () => {
    const shape = { intervalNs: 100, totalPublishers: 3, warmupNs: 0, count: 6 };
    const schedule = new Schedule(100, [0, 1, 2].map((i) => publisherTimes(shape, i)));
    schedule.retire(1);
    schedule.retire(1);
    assert.deepEqual(collect(schedule, 1000), ['0:0@0', '2:0@66.66666666666667', '0:1@100', '2:1@166.66666666666669']);
    assert.equal(schedule.finished, true);
    assert.equal(schedule.unblock(1), false);
  });

  test('stop() ends the schedule even for parked publishers', () => {
    const schedule = new Schedule(100, [publisherTimes({ intervalNs: 100, totalPublishers: 1, warmupNs: 0 }, 0)]);
    collect(schedule, 0, 10, () => false);
    schedule.stop();
    assert.equal(schedule.finished, true);
    assert.equal(schedule.unblock(0), false);
    assert.deepEqual(collect(schedule, 1e9), []);
  });
});

describe('sequence tracking', () => {
  const cases: [string, number[], { received: number; duplicates: number; outOfOrder: number; lost: number }][] = [
    ['in order', [0, 1, 2, 3], { received: 4, duplicates: 0, outOfOrder: 0, lost: 0 }],
    ['a late subscriber reports the gap before its first message', [500, 501, 502], { received: 3, duplicates: 0, outOfOrder: 0, lost: 500 }],
    ['a hole in the middle', [0, 1, 5, 6], { received: 4, duplicates: 0, outOfOrder: 0, lost: 3 }],
    ['a hole filled late is out of order, not lost', [0, 2, 1, 3], { received: 4, duplicates: 0, outOfOrder: 1, lost: 0 }],
    ['filling the middle of a hole splits it', [0, 5, 3, 1, 4, 2], { received: 6, duplicates: 0, outOfOrder: 4, lost: 0 }],
    ['a repeat is a duplicate', [0, 1, 1, 2, 0], { received: 3, duplicates: 2, outOfOrder: 0, lost: 0 }],
    ['a filled hole seen again is a duplicate', [0, 2, 1, 1], { received: 3, duplicates: 1, outOfOrder: 1, lost: 0 }],
  ];
  for (const [name, sequences, expected] of cases) {
    test(name, () => {
      const tracker = new SequenceTracker();
      for (const s of sequences) tracker.record(s);
      assert.deepEqual(tracker.counts, expected);
    });
  }

  test('the number of holes is bounded; a forgotten hole stays lost', () => {
    const tracker = new SequenceTracker();
    for (let i = 0; i <= MAX_HOLES + 1; i++) tracker.record(i * 2);
    assert.equal(tracker.counts.lost, MAX_HOLES + 1);
    assert.equal(tracker.record(1), 'duplicate'); // the oldest hole was forgotten
    assert.equal(tracker.record(3), 'out-of-order');
    assert.equal(tracker.counts.lost, MAX_HOLES);
  });
});

describe('topic templates', () => {
  test('expansion and the matching filter', () => {
    assert.equal(expandTopic('mq/bench/%i', 7, 'id-7'), 'mq/bench/7');
    assert.equal(expandTopic('dev/%c/t%%/%i', 3, 'x-3'), 'dev/x-3/t%/3');
    assert.equal(filterForTemplate('mq/bench/%i'), 'mq/bench/+');
    assert.equal(filterForTemplate('a/dev-%c/b/%i/x'), 'a/+/b/+/x');
    assert.equal(filterForTemplate('fixed/topic'), 'fixed/topic');
    assert.equal(filterForTemplate('100%%/%i'), '100%/+');
  });

  const bad: [string, 'publish' | 'subscribe', RegExp][] = [
    ['a/%x', 'publish', /unknown placeholder %x/],
    ['a/%', 'publish', /lone %/],
    ['a/+/%i', 'publish', /'\+' or '#'/],
    ['', 'publish', /empty/],
    ['a/#/b', 'subscribe', /'#' must be a whole level/],
  ];
  for (const [template, kind, message] of bad) {
    test(`refuses ${kind} template '${template}'`, () => {
      assert.throws(() => checkTemplate(template, kind), (e: Error) => e instanceof UsageError && message.test(e.message));
    });
  }
  test('accepts good templates', () => {
    checkTemplate('mq/bench/%i/%c', 'publish');
    checkTemplate('mq/bench/#', 'subscribe');
    checkTemplate('mq/%i/+', 'subscribe');
  });
});

describe('plan', () => {
  test('defaults: 10 publishers, 1 subscriber, 1000 msg/s, 64 B, QoS 0, 10 s, workers capped by cores', () => {
    const p = plan();
    assert.equal(p.publishers, 10);
    assert.equal(p.subscribers, 1);
    assert.equal(p.rate, 1000);
    assert.equal(p.intervalNs, 10_000_000);
    assert.equal(p.size, 64);
    assert.equal(p.qos, 0);
    assert.equal(p.durationNs, 10e9);
    assert.equal(p.count, undefined);
    assert.equal(p.filter, 'mq/bench/+');
    assert.equal(p.workers, 2);
    assert.equal(p.inflight, 20);
    assert.equal(p.idPrefix, 'mq-bench-test-');
  });

  test('-I sets the per-client interval and the total rate follows', () => {
    const p = plan({ clients: '4', interval: '250' });
    assert.equal(p.intervalNs, 250e6);
    assert.equal(p.rate, 16);
  });

  test('no more workers than clients; --duration 0 runs until Ctrl-C; --count replaces the duration', () => {
    assert.equal(plan({ clients: '1', workers: '8' }, 'pub').workers, 1);
    assert.equal(plan({ clients: '1', workers: '8' }).workers, 2);
    assert.equal(plan({ duration: '0' }).durationNs, undefined);
    const counted = plan({ count: '500' });
    assert.equal(counted.count, 500);
    assert.equal(counted.durationNs, undefined);
  });

  test('bench sub: -t is a filter, -c subscribers; bench conn: idle clients', () => {
    const sub = plan({ clients: '3', topic: 'x/#' }, 'sub');
    assert.equal(sub.subscribers, 3);
    assert.equal(sub.publishers, 0);
    assert.equal(sub.filter, 'x/#');
    const conn = plan({ clients: '50' }, 'conn');
    assert.equal(conn.idle, 50);
    assert.equal(conn.publishers + conn.subscribers, 0);
  });

  const refused: [string, BenchFlags, BenchMode, RegExp][] = [
    ['rate 0', { rate: '0' }, 'pubsub', /^--rate 0 is impossible: give messages per second/],
    ['negative rate', { rate: '-5' }, 'pub', /^--rate -5 is impossible/],
    ['rate not a number', { rate: 'fast' }, 'pub', /^--rate "fast" is not a number/],
    ['interval 0', { interval: '0' }, 'pub', /^-I 0 is impossible/],
    ['rate and -I', { rate: '10', interval: '10' }, 'pub', /not both/],
    ['payload smaller than the header', { size: '10' }, 'pub', /^-s 10 is smaller than the 32-byte header.*use -s 32 or more/],
    ['payload larger than MQTT allows', { size: '300000000' }, 'pub', /larger than an MQTT message/],
    ['QoS 3', { qos: '3' }, 'pub', /^-q "3" is not valid: give a whole number from 0 to 2/],
    ['no clients', { clients: '0' }, 'pub', /^-c "0" is not valid/],
    ['duration and count', { duration: '5', count: '10' }, 'pub', /not both/],
    ['count 0', { count: '0' }, 'pub', /^--count "0" is not valid/],
    ['negative warm-up', { warmup: '-1' }, 'pub', /^--warmup -1 is impossible/],
    ['window 0', { inflight: '0' }, 'pub', /^-M "0" is not valid/],
    ['connect rate 0', { connectRate: '0' }, 'conn', /^--connect-rate 0 is impossible/],
    ['workers 0', { workers: '0' }, 'pub', /^--workers "0" is not valid/],
    ['more than a client can send', { clients: '1', rate: '2000000' }, 'pub', /more than 1000000 one client can send/],
    ['ids beyond the header', { clients: '10', idOffset: '4294967290' }, 'pub', /above 4294967295/],
    ['publish flags for sub', { rate: '10' }, 'sub', /--rate is for publishing; mq bench sub does not publish/],
    ['topic for conn', { topic: 'a' }, 'conn', /-t has no meaning for mq bench conn/],
    ['subscribers outside plain bench', { subscribers: '2' }, 'pub', /--subscribers is for plain mq bench/],
    ['bad template', { topic: 'a/%q' }, 'pub', /unknown placeholder %q/],
    ['empty id prefix', { idPrefix: '' }, 'pub', /--id-prefix is empty/],
  ];
  for (const [name, flags, mode, message] of refused) {
    test(`refuses ${name} with one clear line`, () => {
      assert.throws(() => buildPlan(mode, flags, limits), (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'));
    });
  }

  test('more clients than open files: refused, naming ulimit', () => {
    assert.throws(() => buildPlan('conn', { clients: '2000' }, { ...limits, openFiles: 1024 }), /^UsageError: 2000 clients need 2064 open files, but this process may open only 1024; raise the limit \(ulimit -n 2064\)/);
    assert.equal(buildPlan('conn', { clients: '960' }, { ...limits, openFiles: 1024 }).idle, 960);
  });

  test('more clients per broker than local ports: refused, naming the way out', () => {
    assert.throws(() => buildPlan('conn', { clients: '30000' }, { ...limits, localPorts: 28232 }), /only 28232 local ports.*-h a,b/);
    assert.equal(buildPlan('conn', { clients: '30000' }, { ...limits, localPorts: 28232, targets: 2 }).idle, 30000);
  });
});

describe('histograms across workers', () => {
  test('merging encoded per-worker histograms gives the percentiles of all samples', () => {
    const all = createHistogram();
    const parts = [createHistogram(), createHistogram()];
    for (let i = 1; i <= 10_000; i++) {
      const ns = i * 1000 + (i % 7 === 0 ? 5_000_000 : 0);
      recordNs(all, ns);
      recordNs(parts[i % 2]!, ns);
    }
    const merged = createHistogram();
    for (const p of parts) addEncoded(merged, encodeHistogram(p));
    addEncoded(merged, '');
    const { max: mergedMax, ...mergedRest } = summarize(merged);
    const { max: allMax, ...allRest } = summarize(all);
    assert.deepEqual(mergedRest, allRest);
    // max is reported at bucket resolution (3 significant digits).
    assert.ok(Math.abs(mergedMax! - allMax!) / allMax! < 0.001);
    const s = summarize(all);
    assert.equal(s.count, 10_000);
    assert.ok(s.p50! <= s.p90! && s.p90! <= s.p99! && s.p99! <= s.p999! && s.p999! <= s.max!);
    assert.ok(Math.abs(s.p50! - 5.8) < 0.2, `p50 ${s.p50}`);
  });

  test('an empty histogram summarizes to nulls; negative durations count as 0', () => {
    const h = createHistogram();
    assert.deepEqual(summarize(h), { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null });
    recordNs(h, -5);
    assert.equal(summarize(h).max, 0);
  });
});

describe('counters and report', () => {
  test('counters add, reasons merge, last times take the latest', () => {
    const a = { ...emptyCounters(), sent: 5, connectFailed: { refused: 1 }, lastWindowSentNs: 10 };
    const b = { ...emptyCounters(), sent: 7, connectFailed: { refused: 2, timeout: 1 }, lastWindowSentNs: 4 };
    const sum = addCounters(a, b);
    assert.equal(sum.sent, 12);
    assert.deepEqual(sum.connectFailed, { refused: 3, timeout: 1 });
    assert.equal(sum.lastWindowSentNs, 10);
    assert.deepEqual(totalCounters([]), emptyCounters());
  });

  test('window rate: over the scheduled window, or until the last event when that came later', () => {
    assert.equal(windowRate(1000, 0.9e9, 1e9, 0), 1000);
    assert.equal(windowRate(1000, 2e9, 1e9, 0), 500); // the sender fell behind: 2 s for 1000
    assert.equal(windowRate(1000, 3e9, 1e9, 1e9), 500); // warm-up of 1 s is not part of the window
    assert.equal(windowRate(0, -1, 1e9, 0), 0);
    assert.equal(windowRate(0, -1, 0, 0), null);
  });

  test('lost: plain bench counts what never arrived at each subscriber; bench sub only the gaps', () => {
    const c = { ...emptyCounters(), sent: 100, unique: 190, lost: 3, subscribed: 2 };
    assert.equal(lostCount(plan({ subscribers: '2' }), c), 10);
    assert.equal(lostCount(plan({}, 'sub'), c), 3);
  });

  test('clients are dealt round-robin over the workers, across roles', () => {
    assert.deepEqual(assignClients(plan({ clients: '1', subscribers: '1' })), [
      { publishers: [0], subscribers: [], idle: [] },
      { publishers: [], subscribers: [0], idle: [] },
    ]);
    assert.deepEqual(assignClients(plan({ clients: '3' }, 'pub')).map((s) => s.publishers), [[0, 2], [1]]);
  });

  test('scheduled window: duration, count at the rate, or none', () => {
    assert.equal(scheduledWindowNs(plan({ duration: '2' })), 2e9);
    assert.equal(scheduledWindowNs(plan({ count: '500', rate: '1000' })), 0.5e9);
    assert.equal(scheduledWindowNs(plan({ duration: '0' })), undefined);
  });

  const result = (): BenchResult => {
    const endToEnd = createHistogram();
    const publishToAck = createHistogram();
    const connect = createHistogram();
    for (let i = 1; i <= 100; i++) {
      recordNs(endToEnd, i * 10_000);
      recordNs(publishToAck, i * 5_000);
    }
    recordNs(connect, 300_000);
    return {
      counters: {
        ...emptyCounters(), connectAttempts: 3, connected: 2, connectFailed: { 'Connection refused': 1 }, subscribed: 1,
        sent: 100, acked: 100, received: 100, unique: 100, windowSent: 100, windowAcked: 100, windowReceived: 100,
        lastWindowSentNs: 0.99e9, lastWindowAckedNs: 0.995e9, lastWindowReceivedNs: 0.999e9,
      },
      latency: { endToEnd, endToEndCrossHost: createHistogram(), publishToAck, connect },
      windowNs: 1e9,
      interrupted: false,
      connectNs: 0.2e9,
      drainTimedOut: false,
      windowStartMs: Date.parse('2026-01-02T03:04:06Z'),
      timeline: [],
    };
  };
  const context = {
    system: { mqVersion: '9.9.9', node: 'v20.0.0', os: { platform: 'linux', release: '6', arch: 'x64' }, cpu: { model: 'Test CPU', cores: 2 } },
    brokers: ['mqtt://127.0.0.1:1883'],
    protocolVersion: 4,
    keepalive: 60,
    startedAt: new Date('2026-01-02T03:04:05Z'),
  };

  test('the JSON report has the configuration, system, counters, throughput and percentiles', () => {
    const p = plan({ clients: '1', qos: '1', rate: '100', count: '100' });
    const report = buildReport(p, result(), context);
    assert.equal(report.tool, 'mq bench');
    assert.equal(report.mq.version, '9.9.9');
    assert.equal(report.cpu.model, 'Test CPU');
    assert.deepEqual(report.brokers, ['mqtt://127.0.0.1:1883']);
    assert.equal(report.startedAt, '2026-01-02T03:04:05.000Z');
    assert.equal(report.config.qos, 1);
    assert.equal(report.config.count, 100);
    assert.equal(report.config.protocolVersion, 4);
    assert.deepEqual(report.counters.connects, { attempted: 3, ok: 2, failed: 1, failedByReason: { 'Connection refused': 1 } });
    assert.equal(report.counters.acked, 100);
    assert.equal(report.counters.lost, 0);
    assert.deepEqual(report.throughput, { unit: 'messages/s', intended: 100, sent: 100, acked: 100, received: 100 });
    assert.equal(report.latency.endToEnd.count, 100);
    assert.equal(report.latency.endToEnd.max, 1);
    assert.equal(report.latency.publishToAck.p50, 0.25);
    assert.equal(report.latency.connect.count, 1);
    assert.equal(report.window.start, '2026-01-02T03:04:06.000Z');
    assert.deepEqual(report.window.lastSeconds, { sent: 0.99, acked: 0.995, received: 0.999 });
    // Each latency carries its HDR histogram in the standard encoding, in microseconds.
    assert.match(report.latency.endToEnd.histogram, /^HISTF/);
    assert.equal(report.latency.endToEnd.histogramUnit, 'microseconds');
    assert.equal(report.latency.endToEndCrossHost.count, 0);
    assert.equal(report.latencyKind, 'endToEnd');
    assert.equal(report.agents, undefined);
    // Round-trips through JSON unchanged (no bigint, no undefined).
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });

  test('QoS 0 has no acks; the summary says what ran', () => {
    const p = plan({ clients: '1', rate: '100', count: '100' });
    const report = buildReport(p, result(), context);
    assert.equal(report.counters.acked, null);
    assert.equal(report.throughput.acked, null);
    const text = renderSummary(report);
    assert.match(text, /^mq bench: 1 publisher -> 1 subscriber, QoS 0, 64 B at 100 msg\/s, 2 workers, mqtt:\/\/127\.0\.0\.1:1883$/m);
    assert.match(text, /^Connections {3}2\/3 ok in 0\.2 s, 1 failed \(1 × Connection refused\), 0 dropped, 0 reconnects$/m);
    assert.match(text, /^Messages {6}sent 100, received 100, lost 0, duplicates 0, out of order 0, overruns 0$/m);
    assert.match(text, /^end-to-end +0\.500 +0\.900 +0\.990 +1\.000 +1\.000 +0\.505 +100$/m);
    assert.doesNotMatch(text, /publish->ack/);
  });

  test('the live line shows rates over the real elapsed time', () => {
    const previous = emptyCounters();
    const current = { ...emptyCounters(), sent: 1500, received: 1500, online: 3 };
    const line = liveLine(plan({ clients: '2' }), { elapsedS: 3, seconds: 1.5, previous, current, p99: 1.25, clients: 3 });
    assert.equal(line, '3 s  sent 1,000/s  received 1,000/s  p99 1.250 ms  lost 0  overruns 0  online 3/3');
  });
});
