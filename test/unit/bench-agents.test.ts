import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitNs } from '../../src/bench/clock.js';
import { emptyCounters } from '../../src/bench/counters.js';
import { createHistogram, decodeHistogram, encodeStandard, recordNs } from '../../src/bench/histogram.js';
import { chartData, escapeHtml, percentileGrid, renderHtml, showNumber } from '../../src/bench/html.js';
import { mergeProblem, mergeReports, mergeResults, sumCounters, type NamedReport } from '../../src/bench/merge.js';
import { corrections, crossHostUncertaintyNs, estimateOffset, type ClockSample } from '../../src/bench/offset.js';
import { buildPlan, parseStartAt, type BenchFlags, type BenchMode } from '../../src/bench/plan.js';
import { buildReport, renderAgents, renderSummary, type BenchReport } from '../../src/bench/report.js';
import type { BenchResult } from '../../src/bench/result.js';
import { assignClients } from '../../src/bench/runner.js';
import { messagesPerSubscriber, splitClients } from '../../src/bench/split.js';
import { mergeTimelines, TimelineRecorder, timelineReport } from '../../src/bench/timeline.js';
import { UsageError } from '../../src/errors.js';
import { addSpec, decodeSpec, percentileSpec } from './bench-hdr-spec.js';

const limits = { cores: 2, targets: 1, defaultIdPrefix: 'mq-bench-test-' };
const plan = (flags: BenchFlags = {}, mode: BenchMode = 'pubsub') => buildPlan(mode, flags, limits);

describe('splitting a plan over agents', () => {
  const table: { name: string; flags: BenchFlags; mode?: BenchMode; agents: number; want: [number, number][][] }[] = [
    { name: 'even', flags: { clients: '6', subscribers: '3' }, agents: 3, want: [[[0, 2], [0, 1], [0, 0]], [[2, 4], [1, 2], [0, 0]], [[4, 6], [2, 3], [0, 0]]] },
    // One publisher and one subscriber land on different agents: cross-host is what several machines are for.
    { name: 'publishers first, subscribers last', flags: { clients: '1', subscribers: '1' }, agents: 2, want: [[[0, 1], [0, 0], [0, 0]], [[1, 1], [0, 1], [0, 0]]] },
    { name: 'remainders', flags: { clients: '5', subscribers: '2' }, agents: 3, want: [[[0, 2], [0, 0], [0, 0]], [[2, 4], [0, 1], [0, 0]], [[4, 5], [1, 2], [0, 0]]] },
    { name: 'conn', flags: { clients: '10' }, mode: 'conn', agents: 4, want: [[[0, 0], [0, 0], [0, 3]], [[0, 0], [0, 0], [3, 6]], [[0, 0], [0, 0], [6, 8]], [[0, 0], [0, 0], [8, 10]]] },
    { name: 'sub', flags: { clients: '3' }, mode: 'sub', agents: 3, want: [[[0, 0], [0, 1], [0, 0]], [[0, 0], [1, 2], [0, 0]], [[0, 0], [2, 3], [0, 0]]] },
  ];
  for (const { name, flags, mode, agents, want } of table) {
    test(name, () => {
      const shares = splitClients(plan(flags, mode ?? 'pubsub'), agents);
      assert.deepEqual(shares.map((s) => [s.publishers, s.subscribers, s.idle]), want);
    });
  }

  test('client numbers are disjoint and cover the plan; the connect rate is shared by clients', () => {
    const p = plan({ clients: '7', subscribers: '4', connectRate: '110' });
    const shares = splitClients(p, 3);
    for (const role of ['publishers', 'subscribers'] as const) {
      const all = shares.flatMap((s) => Array.from({ length: s[role][1] - s[role][0] }, (_, i) => s[role][0] + i));
      assert.deepEqual(all, Array.from({ length: p[role] }, (_, i) => i));
    }
    assert.deepEqual(shares.map((s) => s.connectRate), [40, 30, 40]);
  });

  test('every agent needs a client', () => {
    assert.throws(() => splitClients(plan({ clients: '1', subscribers: '1' }), 3), (e: Error) => e instanceof UsageError && /--agents 3 with 2 clients/.test(e.message));
  });

  test("a worker's clients are the share's global indices, dealt round-robin", () => {
    const p = { ...plan({ clients: '6', subscribers: '3', workers: '2' }) };
    const [, second] = splitClients(p, 3);
    assert.deepEqual(assignClients(p, second), [{ publishers: [2], subscribers: [1], idle: [] }, { publishers: [3], subscribers: [], idle: [] }]);
  });

  test('messages per subscriber: every publisher\'s schedule, warm-up included; none without an end', () => {
    assert.equal(messagesPerSubscriber(plan({ clients: '3', rate: '300', duration: '2' })), 600);
    assert.equal(messagesPerSubscriber(plan({ clients: '3', rate: '300', duration: '2', warmup: '1' })), 900);
    assert.equal(messagesPerSubscriber(plan({ clients: '4', count: '1001' })), 1001);
    assert.equal(messagesPerSubscriber(plan({ clients: '3', duration: '0' })), null);
  });
});

describe('clock offsets (NTP: the best round trip)', () => {
  const sample = (t1: number, agent: number, t4: number, wallSkew = 0): ClockSample => ({
    sent: { mono: BigInt(t1), wallMs: 1000 + t1 / 1e6 },
    received: { mono: BigInt(t4), wallMs: 1000 + t4 / 1e6 },
    agent: { mono: BigInt(agent), wallMs: 1000 + agent / 1e6 + wallSkew },
  });

  test('the smallest round trip wins; the offset is the midpoint, the uncertainty half the round trip', () => {
    const offset = estimateOffset([
      sample(0, 250_000_900, 2_000_000), // rtt 2 ms
      sample(10_000_000, 260_000_300, 10_400_000), // rtt 0.4 ms: the best
      sample(20_000_000, 270_000_000, 21_000_000),
    ])!;
    assert.equal(offset.rttNs, 400_000);
    assert.equal(offset.uncertaintyNs, 200_000);
    assert.equal(offset.monoOffsetNs, 249_800_300n);
    assert.ok(Math.abs(offset.wallOffsetMs - 249.8003) < 1e-6, String(offset.wallOffsetMs));
    assert.equal(offset.samples, 3);
  });

  test('whatever the delays, the true offset is within the stated uncertainty', () => {
    const truth = 123_456_789;
    for (const [out, back] of [[1, 1], [5, 1_000_000], [900_000, 3], [250_000, 250_000]]) {
      const t1 = 5_000_000;
      const o = estimateOffset([sample(t1, t1 + out! + truth, t1 + out! + back!)])!;
      assert.ok(Math.abs(Number(o.monoOffsetNs) - truth) <= o.uncertaintyNs, `${out}/${back}`);
    }
  });

  test('no samples, no estimate; a sample with a negative round trip is ignored', () => {
    assert.equal(estimateOffset([]), undefined);
    assert.equal(estimateOffset([sample(10, 5, 5)]), undefined);
  });

  const offset = (ns: bigint, uncertaintyNs: number) => ({ monoOffsetNs: ns, wallOffsetMs: Number(ns) / 1e6, uncertaintyNs, rttNs: 2 * uncertaintyNs, samples: 1 });

  test('corrections put another host\'s timestamps on this host\'s clock; one host needs none', () => {
    const clocks = [
      { domain: 1, offset: offset(0n, 300_000) },
      { domain: 2, offset: offset(250_000_000n, 200_000) },
      { domain: 2, offset: offset(250_000_500n, 900_000) }, // a worse measurement of the same host
      { domain: 3, offset: offset(-5_000_000_000_000n, 100_000) }, // booted long before
    ];
    assert.deepEqual(corrections(clocks, 2), { 1: '250000000', 3: '5000250000000' });
    assert.deepEqual(corrections(clocks, 1), { 2: '-250000000', 3: '5000000000000' });
    assert.deepEqual(corrections(clocks, 9), {});
    // The two worst hosts bound a cross-host latency's error.
    assert.equal(crossHostUncertaintyNs(clocks), 500_000);
    assert.equal(crossHostUncertaintyNs([{ domain: 1, offset: offset(0n, 5) }, { domain: 1, offset: offset(3n, 4) }]), 0);
  });

  test('a correction in clock halves adds exactly, however far apart the clocks are', () => {
    for (const [send, correction] of [[1_000_000_000_000n, 250_000_000n], [5n, -3n], [3_000_000_000_000_000n, -2_999_000_000_000_000n], [0xffff_ffffn, 1n]]) {
      const s = splitNs(send!);
      const c = splitNs(correction!);
      assert.equal(BigInt(s.hi + c.hi) * 0x1_0000_0000n + BigInt(s.lo + c.lo), send! + correction!);
    }
  });
});

describe('--start-at', () => {
  const now = Date.parse('2030-01-31T12:00:00Z');
  const table: [string, number][] = [
    ['2030-01-31T12:00:05Z', now + 5000],
    ['2030-01-31 12:00:05.250z', now + 5250],
    ['2030-01-31T14:00:05+02:00', now + 5000],
    ['2030-01-31T12:01Z', now + 60_000],
    [String(now / 1000 + 7), now + 7000],
    [`${now / 1000 + 7}.5`, now + 7500],
  ];
  for (const [text, want] of table) test(text, () => assert.equal(parseStartAt(text, now), want));
  for (const text of ['2030-01-31T12:00:05', 'tomorrow', '', '-5', '2030-13-45T99:00:00Z']) {
    test(`refused: "${text}"`, () => assert.throws(() => parseStartAt(text, now), (e: Error) => e instanceof UsageError && /--start-at/.test(e.message)));
  }
  test('refused when already past', () => assert.throws(() => parseStartAt('2030-01-31T11:59:00Z', now), /60\.0 s in the past/));
});

describe('HdrHistogram standard encoding', () => {
  test('the header as the format says (ratio 1.0, offset 0) and counts a spec reader agrees with', () => {
    const h = createHistogram();
    for (let i = 1; i <= 5000; i++) recordNs(h, i * i * 40);
    const encoded = encodeStandard(h);
    assert.match(encoded, /^HISTF/);
    const spec = decodeSpec(encoded);
    assert.equal(spec.conversionRatio, 1.0);
    assert.equal(spec.normalizingIndexOffset, 0);
    assert.equal(spec.significantDigits, 3);
    assert.equal(spec.lowest, 1);
    assert.equal(spec.total, 5000);
    for (const p of [0, 1, 50, 90, 99, 99.9, 100]) assert.equal(percentileSpec(spec, p), h.getValueAtPercentile(p), `p${p}`);
    // And hdr-histogram-js reads its standard form back.
    assert.equal(decodeHistogram(encoded).getValueAtPercentile(99), h.getValueAtPercentile(99));
  });

  test('an empty histogram encodes too', () => {
    assert.equal(decodeSpec(encodeStandard(createHistogram())).total, 0);
  });
});

describe('timeline', () => {
  const h = (...us: number[]) => {
    const x = createHistogram();
    for (const v of us) x.recordValue(v);
    return x;
  };
  test('a second given twice adds its counts and keeps the later connected count', () => {
    const t = new TimelineRecorder();
    t.add(1, { sent: 5, acked: 4, received: 3 }, 2, h(100));
    t.add(0, { sent: 0, acked: 0, received: 0 }, 1);
    t.add(1, { sent: 1, acked: 1, received: 1 }, 3, h(300));
    const points = t.points();
    assert.deepEqual(points.map(({ histogram: _h, ...p }) => p), [
      { second: 0, sent: 0, acked: 0, received: 0, connected: 1 },
      { second: 1, sent: 6, acked: 5, received: 4, connected: 3 },
    ]);
    assert.equal(points[0]!.histogram, '');
    assert.deepEqual(timelineReport(points).map((p) => [p.p50, p.p99]), [[null, null], [0.1, 0.3]]);
  });

  test('timelines of several machines: counts and connections added per second, histograms merged, shifts', () => {
    const a = new TimelineRecorder();
    a.add(1, { sent: 10, acked: 0, received: 5 }, 4, h(1000, 2000));
    const b = new TimelineRecorder();
    b.add(1, { sent: 1, acked: 0, received: 1 }, 2, h(3000));
    b.add(2, { sent: 2, acked: 0, received: 2 }, 2);
    const merged = timelineReport(mergeTimelines([a.points(), b.points()]));
    assert.deepEqual(merged.map((p) => [p.second, p.sent, p.received, p.connected, p.p50, p.p99]), [[1, 11, 6, 6, 2, 3.001], [2, 2, 2, 2, null, null]]);
    assert.deepEqual(mergeTimelines([a.points(), b.points()], [0, 3]).map((p) => p.second), [1, 4, 5]);
  });
});

const system = { mqVersion: '9.9.9', node: 'v20.0.0', os: { platform: 'linux', release: '6', arch: 'x64' }, cpu: { model: 'Test CPU', cores: 2 } };

function resultOf(samples: { e2e?: number[]; cross?: number[]; ack?: number[] }, counters: Partial<ReturnType<typeof emptyCounters>>, startMs = Date.parse('2030-01-01T00:00:00Z')): BenchResult {
  const hist = (us: number[] = []) => {
    const x = createHistogram();
    for (const v of us) x.recordValue(v);
    return x;
  };
  const timeline = new TimelineRecorder();
  timeline.add(1, { sent: counters.sent ?? 0, acked: counters.acked ?? 0, received: counters.received ?? 0 }, 2, hist(samples.e2e));
  return {
    counters: { ...emptyCounters(), ...counters },
    latency: { endToEnd: hist(samples.e2e), endToEndCrossHost: hist(samples.cross), publishToAck: hist(samples.ack), connect: hist([700]) },
    windowNs: 1e9,
    interrupted: false,
    connectNs: 1e8,
    drainTimedOut: false,
    windowStartMs: startMs,
    timeline: timeline.points(),
  };
}

function reportOf(result: BenchResult, flags: BenchFlags = { clients: '2', qos: '1', rate: '100', duration: '1' }): BenchReport {
  return buildReport(plan(flags), result, { system, brokers: ['mqtt://b:1883'], protocolVersion: 4, keepalive: 60, startedAt: new Date(result.windowStartMs) });
}

describe('merging', () => {
  const one = resultOf({ e2e: [100, 200, 300], ack: [50] }, { sent: 100, acked: 100, received: 100, unique: 100, windowSent: 100, windowAcked: 100, windowReceived: 100, connected: 3, connectAttempts: 3, lastWindowSentNs: 0.99e9, connectFailed: { refused: 1 } });
  const two = resultOf({ e2e: [400], cross: [900, 1100], ack: [60, 70] }, { sent: 50, acked: 49, received: 150, unique: 150, windowSent: 50, windowAcked: 49, windowReceived: 150, connected: 2, connectAttempts: 2, lastWindowSentNs: 1.2e9, connectFailed: { refused: 2, timeout: 1 } });

  test('results of one run: counters summed, histograms merged sample-exact, the longest window', () => {
    const m = mergeResults([one, two]);
    assert.equal(m.counters.sent, 150);
    assert.equal(m.counters.received, 250);
    assert.deepEqual(m.counters.connectFailed, { refused: 3, timeout: 1 });
    assert.equal(m.counters.lastWindowSentNs, 1.2e9);
    assert.equal(m.latency.endToEnd.totalCount, 4);
    assert.equal(m.latency.endToEnd.getValueAtPercentile(50), 200);
    assert.equal(m.latency.endToEndCrossHost.totalCount, 2);
    assert.deepEqual(m.timeline.map((p) => [p.second, p.sent, p.connected]), [[1, 150, 4]]);
  });

  test('counters of reports: numbers summed, reasons merged, nested objects alike, null stays null, connectSeconds the longest', () => {
    assert.deepEqual(sumCounters([
      { sent: 1, acked: null, connects: { ok: 1, failedByReason: { a: 1 } }, connectSeconds: 0.5 },
      { sent: 2, acked: null, connects: { ok: 3, failedByReason: { a: 1, b: 2 } }, connectSeconds: 0.2 },
    ]), { sent: 3, acked: null, connects: { ok: 4, failedByReason: { a: 2, b: 2 } }, connectSeconds: 0.5 });
  });

  test('reports: percentiles of the merged histograms, throughput over the common window, a row per report', () => {
    const a = reportOf(one);
    const b = reportOf(two);
    const merged = mergeReports([{ name: 'a', report: a }, { name: 'b', report: b }]);
    const spec = addSpec([decodeSpec(a.latency.endToEnd.histogram), decodeSpec(b.latency.endToEnd.histogram)]);
    assert.equal(merged.latency.endToEnd.count, 4);
    assert.equal(merged.latency.endToEnd.p50, percentileSpec(spec, 50)! / 1000);
    assert.equal(merged.latency.endToEnd.p99, percentileSpec(spec, 99)! / 1000);
    assert.deepEqual(decodeSpec(merged.latency.endToEnd.histogram).counts.slice(0, spec.counts.length), spec.counts);
    assert.equal(merged.counters.sent, 150);
    assert.equal(merged.counters.acked, 149);
    assert.equal(merged.config.publishers, 4);
    assert.equal(merged.config.rate, 200);
    // Both windows began together: 150 sent over 1.2 s (the later publisher's last message).
    assert.equal(merged.window.seconds, 1);
    assert.equal(merged.throughput.sent, 125);
    assert.deepEqual(merged.agents!.map((r) => [r.name, r.sent, r.received, r.p50]), [['a', 100, 100, 0.2], ['b', 50, 150, 0.9]]);
    assert.equal(merged.partial, false);
    // A merged report merges again, keeping its rows.
    const again = mergeReports([{ name: 'ab', report: merged }, { name: 'c', report: a }]);
    assert.deepEqual(again.agents!.map((r) => r.name), ['a', 'b', 'c']);
    assert.equal(again.latency.endToEnd.count, 7);
  });

  test('runs that started apart: the span from the first start to the last end, timelines shifted', () => {
    const late = resultOf({ e2e: [100] }, { sent: 100, windowSent: 100, lastWindowSentNs: 0.99e9 }, Date.parse('2030-01-01T00:00:03Z'));
    const merged = mergeReports([{ name: 'a', report: reportOf(one) }, { name: 'late', report: reportOf(late) }]);
    assert.equal(merged.window.start, '2030-01-01T00:00:00.000Z');
    assert.equal(merged.window.seconds, 4);
    assert.equal(merged.throughput.sent, 50);
    assert.deepEqual(merged.timeline.map((p) => p.second), [1, 4]);
  });

  const names = (a: BenchReport, b: BenchReport): NamedReport[] => [{ name: 'a.json', report: a }, { name: 'b.json', report: b }];
  const table: [string, (r: BenchReport) => BenchReport, RegExp][] = [
    ['QoS', (r) => ({ ...r, config: { ...r.config, qos: 0 } }), /a\.json is QoS 1 and b\.json QoS 0: only runs of the same QoS/],
    ['payload size', (r) => ({ ...r, config: { ...r.config, size: 128 } }), /a\.json is 64-byte payloads and b\.json 128-byte payloads/],
    ['mode', (r) => ({ ...r, mode: 'pub' }), /a\.json is plain mq bench and b\.json mq bench pub/],
    ['no histograms', (r) => ({ ...r, latency: { ...r.latency, connect: { ...r.latency.connect, histogram: undefined as unknown as string } } }), /b\.json has no connect histogram/],
    ['not a report', () => ({ tool: 'other' }) as unknown as BenchReport, /b\.json is not an mq bench JSON report/],
  ];
  for (const [name, change, message] of table) {
    test(`refused: different ${name}`, () => {
      const a = reportOf(one);
      assert.match(mergeProblem(names(a, change(reportOf(two))))!, message);
      assert.throws(() => mergeReports(names(a, change(reportOf(two)))), (e: Error) => e instanceof UsageError && /^Cannot merge: /.test(e.message));
    });
  }
  test('refused: one report', () => assert.match(mergeProblem([{ name: 'a', report: reportOf(one) }])!, /two reports or more/));
});

describe('agents in the summary', () => {
  test('the agent table, the cross-host row and the partial line', () => {
    const r = reportOf(resultOf({ e2e: [1000], cross: [2000, 3000] }, { sent: 10, received: 30, unique: 30 }));
    const row = (name: string, reported: boolean) => ({
      name, host: name, mqVersion: '9.9.9', brokers: [], clients: { publishers: 1, subscribers: 1, connections: 0 }, reported,
      sent: reported ? 5 : null, acked: null, received: reported ? 15 : null, lost: reported ? 0 : null, p50: reported ? 2 : null, p99: reported ? 3 : null,
      clock: reported ? { offsetMs: name === 'c' ? 250.012 : -0.04, uncertaintyMs: 0.21, driftMs: 0.01 } : null, latency: null,
    });
    const report: BenchReport = { ...r, agents: [row('a', true), row('b', false), row('c', true)], partial: true, missingAgents: ['b'], latency: { ...r.latency, endToEndCrossHost: { ...r.latency.endToEndCrossHost, uncertaintyMs: 0.42 } } };
    const text = renderSummary(report);
    assert.match(text, /^end-to-end, same host +1\.000 /m);
    assert.match(text, /^end-to-end, cross-host +2\.000 .* 2$/m);
    assert.match(text, /within ±0\.420 ms; same-host ones are exact\.$/m);
    const lines = renderAgents(report);
    assert.match(lines[0]!, /^Agent +clients +sent +acked +received +lost +p50 +p99 +clock offset \(ms\)$/);
    assert.match(lines[1]!, /^a +2 +5 +- +15 +0 +2\.000 +3\.000 +-0\.040 ± 0\.210$/);
    assert.match(lines[2]!, /^b \(no report\) +2 +- +- +- +- +- +- +-$/);
    assert.match(lines[3]!, /^c .* \+250\.01 ± 0\.210$/);
    assert.equal(lines.at(-1), 'Partial: b did not report; the totals leave out their clients.');
  });
});

describe('HTML report', () => {
  const report = reportOf(resultOf({ e2e: [100, 200, 5000], ack: [80] }, { sent: 1234567, acked: 3, received: 3, unique: 3, windowSent: 3, lastWindowSentNs: 0.5e9 }));

  test('percentile axis: 1/(1-p) in tenths of a decade, as far as the samples go', () => {
    assert.deepEqual(percentileGrid(1).map((x) => Math.round(x)), [1]);
    assert.equal(percentileGrid(100).length, 21);
    assert.equal(percentileGrid(1e12).length, 71);
  });

  test('chart data: per-second series, and the percentile curve of each latency with samples', () => {
    const d = chartData(report);
    assert.deepEqual(d.throughput.x, [1]);
    assert.deepEqual(d.throughput.sent, [1234567]);
    assert.deepEqual(d.percentiles.series.map((s) => s.name), ['end-to-end', 'publish->ack', 'connect']);
    assert.equal(d.percentiles.series[0]!.values[0], 0.1);
    assert.equal(d.percentiles.series[2]!.values[1], null); // one connect sample: no 20th percentile point
  });

  test('numbers as in the report, text escaped, every table number tied to its JSON path', () => {
    assert.equal(showNumber(1234567), '1,234,567');
    assert.equal(showNumber(0.123456), '0.123456');
    assert.equal(showNumber(null), '-');
    assert.equal(escapeHtml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    const html = renderHtml({ ...report, config: { ...report.config, topic: '</script><b>' } }, { uplotJs: '/*uplot*/', uplotCss: '/*css*/' });
    assert.match(html, /<td class="num" data-path="counters\.sent">1,234,567<\/td>/);
    assert.match(html, /data-path="latency\.endToEnd\.p50">0\.2</);
    assert.match(html, /&lt;\/script&gt;&lt;b&gt;/);
    // The embedded data cannot end its script element early.
    const data = html.slice(html.indexOf('<script id="bench-data"'), html.indexOf('</script>', html.indexOf('<script id="bench-data"')));
    assert.doesNotMatch(data.slice(1), /<\//);
    assert.match(html, /\/\*uplot\*\//);
    assert.doesNotMatch(html, /https?:\/\//);
  });
});
