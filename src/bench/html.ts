/**
 * The HTML report (--html FILE): one self-contained page that opens without a network, with the
 * chart library (uPlot, 50 kB, chosen over Chart.js's 200 kB) inlined. Throughput per second,
 * latency per second (p50, p99), the latency percentile distribution on HDR's log-scaled axis,
 * connections over time, the tables of the summary, the agents and the whole configuration. Pure:
 * html-file.ts reads the library and writes the file.
 *
 * Every number in a table carries `data-path`, the path of the value in the JSON report, so a
 * test (or a script) can check the page against the report.
 */
import { decodeHistogram, type LatencySummary } from './histogram.js';
import type { BenchReport, LatencyKind } from './report.js';

export interface HtmlAssets {
  /** uPlot's IIFE build (defines the global uPlot). */
  uplotJs: string;
  uplotCss: string;
}

const KIND_NAMES: Record<LatencyKind, string> = {
  endToEnd: 'end-to-end',
  endToEndCrossHost: 'end-to-end, cross-host',
  publishToAck: 'publish->ack',
  connect: 'connect',
};

/** 1 / (1 - p): the x of HDR's percentile plots, where 10, 100, 1000 are 90 %, 99 %, 99.9 %. */
export function percentileGrid(maxCount: number): number[] {
  const grid: number[] = [];
  for (let j = 0; j <= 70; j++) {
    const x = 10 ** (j / 10);
    if (x > maxCount || x > 1e7) break;
    grid.push(x);
  }
  return grid;
}

/** The chart data: all series on shared x values, null where there is nothing. */
export function chartData(report: BenchReport) {
  const points = report.timeline ?? [];
  const seconds = points.map((p) => p.second);
  const kinds = (['endToEnd', 'endToEndCrossHost', 'publishToAck', 'connect'] as const).filter((k) => report.latency[k].count > 0);
  const grid = percentileGrid(Math.max(1, ...kinds.map((k) => report.latency[k].count)));
  const distribution = kinds.map((kind) => {
    const h = decodeHistogram(report.latency[kind].histogram);
    return {
      name: KIND_NAMES[kind],
      values: grid.map((x) => (x <= h.totalCount ? h.getValueAtPercentile(100 * (1 - 1 / x)) / 1000 : null)),
    };
  });
  return {
    throughput: { x: seconds, sent: points.map((p) => p.sent), acked: points.map((p) => p.acked), received: points.map((p) => p.received) },
    latency: { x: seconds, p50: points.map((p) => p.p50), p99: points.map((p) => p.p99), kind: KIND_NAMES[report.latencyKind] },
    connections: { x: seconds, connected: points.map((p) => p.connected) },
    percentiles: { x: grid, series: distribution },
    show: { acked: report.throughput.acked !== null, sent: report.throughput.sent !== null, received: report.throughput.received !== null },
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number as the page shows it: integers grouped, fractions as in the report (no rounding). */
export function showNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  return n.toLocaleString('en-US', { maximumFractionDigits: 20 });
}

function cell(value: unknown, path: string): string {
  if (typeof value === 'number') return `<td class="num" data-path="${escapeHtml(path)}">${showNumber(value)}</td>`;
  if (value === null || value === undefined) return `<td class="num" data-path="${escapeHtml(path)}">-</td>`;
  return `<td data-path="${escapeHtml(path)}">${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</td>`;
}

function latencyTable(report: BenchReport): string {
  const columns: (keyof LatencySummary)[] = ['p50', 'p90', 'p99', 'p999', 'max', 'mean', 'min', 'count'];
  const rows = (Object.keys(KIND_NAMES) as LatencyKind[])
    .filter((k) => report.latency[k].count > 0 || k === report.latencyKind)
    .map((k) => `<tr><th>${escapeHtml(KIND_NAMES[k])}</th>${columns.map((c) => cell(report.latency[k][c], `latency.${k}.${c}`)).join('')}</tr>`);
  const note = report.latency.endToEndCrossHost.count > 0 && report.latency.endToEndCrossHost.uncertaintyMs !== null
    ? `<p class="note">Cross-host latencies are corrected by the agents' measured clock offsets, within ±<span data-path="latency.endToEndCrossHost.uncertaintyMs">${showNumber(report.latency.endToEndCrossHost.uncertaintyMs)}</span> ms; same-host ones are exact.</p>` : '';
  return `<table><thead><tr><th>latency (ms)</th>${columns.map((c) => `<th>${c === 'p999' ? 'p99.9' : c}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${note}`;
}

function countersTable(report: BenchReport): string {
  const c = report.counters as Record<string, unknown>;
  const keys = ['sent', 'acked', 'publishFailed', 'received', 'unique', 'lost', 'duplicates', 'outOfOrder', 'overruns', 'foreign', 'otherClock', 'windowSent', 'windowAcked', 'windowReceived', 'disconnects', 'reconnects', 'connectSeconds'];
  const connects = c.connects as Record<string, unknown> | undefined;
  const rows = [
    ...(connects ? (['attempted', 'ok', 'failed'] as const).map((k) => `<tr><th>connections ${k}</th>${cell(connects[k], `counters.connects.${k}`)}</tr>`) : []),
    ...keys.filter((k) => k in c).map((k) => `<tr><th>${escapeHtml(k)}</th>${cell(c[k], `counters.${k}`)}</tr>`),
  ];
  const t = report.throughput;
  const rates = (['intended', 'sent', 'acked', 'received'] as const).map((k) => `<tr><th>throughput ${k} (msg/s)</th>${cell(t[k], `throughput.${k}`)}</tr>`);
  return `<table class="narrow"><tbody>${rows.join('')}${rates.join('')}</tbody></table>`;
}

function agentsTable(report: BenchReport): string {
  const agents = report.agents;
  if (!agents || agents.length === 0) return '<p class="note">A run on one machine: no agents.</p>';
  const head = ['agent', 'host', 'publishers', 'subscribers', 'connections', 'sent', 'acked', 'received', 'lost', 'p50 (ms)', 'p99 (ms)', 'clock offset (ms)', '± (ms)', 'drift (ms)'];
  const rows = agents.map((a, i) => `<tr${a.reported ? '' : ' class="missing"'}>${[
    `<th>${escapeHtml(a.name)}${a.reported ? '' : ' (no report)'}</th>`,
    cell(a.host, `agents.${i}.host`),
    cell(a.clients.publishers, `agents.${i}.clients.publishers`),
    cell(a.clients.subscribers, `agents.${i}.clients.subscribers`),
    cell(a.clients.connections, `agents.${i}.clients.connections`),
    cell(a.sent, `agents.${i}.sent`),
    cell(a.acked, `agents.${i}.acked`),
    cell(a.received, `agents.${i}.received`),
    cell(a.lost, `agents.${i}.lost`),
    cell(a.p50, `agents.${i}.p50`),
    cell(a.p99, `agents.${i}.p99`),
    cell(a.clock?.offsetMs ?? null, `agents.${i}.clock.offsetMs`),
    cell(a.clock?.uncertaintyMs ?? null, `agents.${i}.clock.uncertaintyMs`),
    cell(a.clock?.driftMs ?? null, `agents.${i}.clock.driftMs`),
  ].join('')}</tr>`);
  const partial = report.partial ? `<p class="warn">Partial: ${escapeHtml((report.missingAgents ?? []).join(', '))} did not report; the totals leave out their clients.</p>` : '';
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${partial}`;
}

function configTable(report: BenchReport): string {
  const facts: [string, unknown][] = [
    ['mode', report.mode], ['started at', report.startedAt], ['window start', report.window.start],
    ['window (s)', report.window.seconds], ['warm-up (s)', report.window.warmupSeconds],
    ['brokers', report.brokers.join(', ')], ['mq', report.mq.version], ['node', report.node],
    ['os', `${report.os.platform} ${report.os.release} ${report.os.arch}`], ['cpu', `${report.cpu.model} (${report.cpu.cores} cores)`],
    ['interrupted', report.interrupted], ['drain timed out', report.drainTimedOut],
  ];
  const rows = [
    ...facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`),
    ...Object.entries(report.config).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th>${cell(v, `config.${k}`)}</tr>`),
  ];
  return `<table class="narrow"><tbody>${rows.join('')}</tbody></table>`;
}

/** The page: tables in HTML, charts drawn by uPlot from the embedded data. */
export function renderHtml(report: BenchReport, assets: HtmlAssets): string {
  const data = JSON.stringify(chartData(report)).replace(/</g, '\\u003c');
  const title = `mq bench ${report.mode === 'pubsub' ? '' : report.mode} ${report.startedAt}`.replace(/\s+/g, ' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${assets.uplotCss}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1000px; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0; } .narrow { min-width: 40%; }
th, td { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; } .warn { color: #b00; font-weight: bold; } tr.missing { color: #b00; }
.chart { margin: 0.5em 0 1.5em; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">${escapeHtml(report.brokers.join(', '))}${report.partial ? ' — <span class="warn">partial</span>' : ''}${report.interrupted ? ' — interrupted' : ''}</p>
<h2>Throughput per second</h2><div class="chart" id="chart-throughput"></div>
<h2>Latency per second (${escapeHtml(KIND_NAMES[report.latencyKind])}, ms)</h2><div class="chart" id="chart-latency"></div>
<h2>Latency percentile distribution (ms)</h2><div class="chart" id="chart-percentiles"></div>
<h2>Connections</h2><div class="chart" id="chart-connections"></div>
<h2>Latency</h2>${latencyTable(report)}
<h2>Counters</h2>${countersTable(report)}
<h2>Agents</h2>${agentsTable(report)}
<h2>Configuration</h2>${configTable(report)}
<script id="bench-data" type="application/json">${data}</script>
<script>${assets.uplotJs}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('bench-data').textContent);
  var width = Math.min(960, document.body.clientWidth - 20);
  var colors = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd'];
  function line(label, i, extra) { return Object.assign({ label: label, stroke: colors[i % colors.length], width: 2, spanGaps: false }, extra || {}); }
  function plot(id, series, data, opts) {
    var el = document.getElementById(id);
    return new uPlot(Object.assign({ width: width, height: 260, series: [{ label: 'second' }].concat(series),
      scales: { x: { time: false } }, axes: [{ label: 'seconds since the start' }, {}] }, opts || {}), data, el);
  }
  var t = d.throughput, ts = [], td = [t.x];
  ['sent', 'acked', 'received'].forEach(function (k, i) { if (d.show[k]) { ts.push(line(k + '/s', i)); td.push(t[k]); } });
  if (ts.length === 0) { ts.push(line('sent/s', 0)); td.push(t.sent); }
  plot('chart-throughput', ts, td);
  plot('chart-latency', [line('p50', 0), line('p99', 3)], [d.latency.x, d.latency.p50, d.latency.p99]);
  var p = d.percentiles;
  plot('chart-percentiles', p.series.map(function (s, i) { return line(s.name, i); }), [p.x].concat(p.series.map(function (s) { return s.values; })), {
    scales: { x: { time: false, distr: 3, log: 10 } },
    axes: [{ label: 'percentile', values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : (100 * (1 - 1 / v)).toPrecision(6).replace(/\\.?0+$/, '') + '%'; }); } }, {}],
    series: [{ label: 'percentile', value: function (u, v) { return v == null ? '-' : (100 * (1 - 1 / v)).toPrecision(6).replace(/\\.?0+$/, '') + '%'; } }].concat(p.series.map(function (s, i) { return line(s.name, i); })),
  });
  plot('chart-connections', [line('connected', 4)], [d.connections.x, d.connections.connected]);
})();
</script>
</body>
</html>
`;
}
