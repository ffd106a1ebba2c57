/**
 * `mq bench [pub|sub|conn]`: resolve the connection settings once (flags, MQ_* variables, rc
 * profile) per broker, validate the plan, run it on worker threads, print the summary and report.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../version.js';
import { sessionOptions } from '../connection/session.js';
import type { TlsFiles } from '../connection/session.js';
import { readTlsFiles } from '../connection/tls-files.js';
import type { ConnectionArgs } from '../connection/options.js';
import { resolveSettings } from '../connection/prepare.js';
import { parseProperties } from '../connection/properties.js';
import type { Resolved } from '../connection/resolve.js';
import type { ConnectionSettings } from '../connection/settings.js';
import type { Context } from '../context.js';
import { InterruptedError, MqError, UsageError } from '../errors.js';
import { nowNs, wallNowMs } from './clock.js';
import { DEFAULT_CONTROL_PREFIX, topicPartProblem } from './control.js';
import { buildPlan, parseStartAt, type BenchFlags, type BenchMode } from './plan.js';
import type { Target, WorkerInit } from './protocol.js';
import { buildReport, renderSummary, type BenchReport, type SystemFacts } from './report.js';
import { runBench } from './runner.js';

export type BenchArgs = ConnectionArgs & Omit<BenchFlags, 'idPrefix' | 'inflight'> & {
  url?: string | string[];
  M?: string;
  json?: boolean;
  /** Write the self-contained HTML report here. */
  html?: string;
  /** Start publishing at this wall-clock time (RFC 3339 or epoch seconds). */
  startAt?: string;
  /** Run over this many `mq bench agent`s instead of here. */
  agents?: string;
  agentsTimeout?: string;
  controlUrl?: string;
  controlPrefix?: string;
};

/** The brokers a bench process connects its clients to, and the session every client shares. */
export interface BenchTargets {
  targets: Target[];
  session: WorkerInit['session'];
  first: Resolved;
}

/** -h a,b or several -L: one resolution per broker; a prompted password (-P alone) is asked once. */
export async function resolveTargets(args: BenchArgs, ctx: Context): Promise<BenchTargets> {
  const urls = urlsOf(args);
  const hosts = (args.host ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (urls.length > 0 && hosts.length > 1) throw new UsageError('Give several brokers with -h a,b or with several -L URLs, not both.');
  if (args.id !== undefined) throw new UsageError('-i does not apply to mq bench: each client gets <prefix><pub|sub|conn>-<n>; set the prefix with --id-prefix.');

  const variants: ConnectionArgs[] = urls.length > 0
    ? urls.map((url) => ({ ...args, url }))
    : hosts.length > 1 ? hosts.map((host) => ({ ...args, host })) : [{ ...args, url: undefined } as ConnectionArgs];
  const resolved: Resolved[] = [];
  for (const variant of variants) {
    const previous = resolved[0];
    const reuse = previous && args.pw === '' ? { ...variant, pw: previous.settings.password } : variant;
    // Nagle's algorithm would hold small messages back for tens of ms: bench measures the broker, not that.
    resolved.push(await resolveSettings(reuse, ctx, { defaults: { nodelay: true } }));
  }
  const first = resolved[0]!;
  const properties = parseProperties(args.property as string[] | undefined);
  const { clientId: _unused, ...session } = sessionOptions({ ...args, id: undefined, idPrefix: undefined }, first, properties, { pid: process.pid });
  const targets: Target[] = [];
  for (const r of resolved) targets.push({ settings: r.settings, tlsFiles: await readTlsFiles(r.settings) });
  return { targets, session, first };
}

/**
 * The control broker: --control-url, else the first broker the clients use. Its credentials come
 * from the URL or the same flags, MQ_* variables and profile.
 */
export async function resolveControl(args: BenchArgs, ctx: Context): Promise<{ settings: ConnectionSettings; tlsFiles: TlsFiles }> {
  const first = urlsOf(args)[0];
  const host = (args.host ?? '').split(',').map((h) => h.trim()).find((h) => h !== '');
  const base: ConnectionArgs = args.controlUrl !== undefined ? { ...args, url: args.controlUrl, host: undefined, port: undefined }
    : first !== undefined ? { ...args, url: first } : { ...args, url: undefined, ...(host !== undefined ? { host } : {}) } as ConnectionArgs;
  const resolved = await resolveSettings(base, ctx, { defaults: { nodelay: true } });
  return { settings: resolved.settings, tlsFiles: await readTlsFiles(resolved.settings) };
}

function urlsOf(args: BenchArgs): string[] {
  return args.url === undefined ? [] : (Array.isArray(args.url) ? args.url : [args.url]).map(String);
}

export function planFlags(args: BenchArgs): BenchFlags {
  return {
    clients: args.clients, subscribers: args.subscribers, rate: args.rate, interval: args.interval, size: args.size,
    qos: args.qos, retain: args.retain, topic: args.topic, duration: args.duration, count: args.count, warmup: args.warmup,
    connectRate: args.connectRate, inflight: args.M, idOffset: args.idOffset, workers: args.workers, drain: args.drain,
  };
}

export async function runBenchCommand(mode: BenchMode, args: BenchArgs, ctx: Context): Promise<void> {
  const startAtMs = args.startAt !== undefined ? parseStartAt(args.startAt, Date.now()) : undefined;
  if (args.agents !== undefined) return runOverAgents(mode, args, ctx, startAtMs);
  for (const [flag, value] of [['--agents-timeout', args.agentsTimeout], ['--control-url', args.controlUrl], ['--control-prefix', args.controlPrefix]] as const) {
    if (value !== undefined) throw new UsageError(`${flag} is for a run over agents: add --agents N.`);
  }
  const { targets, session, first } = await resolveTargets(args, ctx);

  const plan = buildPlan(mode, planFlags(args), {
    cores: os.availableParallelism(),
    targets: targets.length,
    defaultIdPrefix: `mq-bench-${randomBytes(3).toString('hex')}-`,
    ...(first.settings.idPrefix !== undefined ? { idPrefix: first.settings.idPrefix } : {}),
    ...(targets.every((t) => t.settings.unix === undefined) ? await localPorts() : {}),
    ...(await openFiles()),
  });

  const startedAt = new Date();
  const result = await runBench(plan, targets, session, ctx, startAtMs !== undefined ? { startAt: startAtHere(startAtMs, ctx) } : {});
  const report = buildReport(plan, result, {
    system: systemFacts(),
    brokers: targets.map((t) => brokerUrl(t.settings)),
    protocolVersion: first.settings.protocolVersion,
    keepalive: first.settings.keepalive,
    startedAt,
  });
  await deliver(report, args, ctx);
  // A bounded run cut short by Ctrl-C did not do what was asked; `--duration 0` ends only that way.
  // The summary above already says "interrupted": nothing more goes to stderr.
  const bounded = plan.durationNs !== undefined || plan.count !== undefined;
  if (result.interrupted && bounded) throw new InterruptedError('Interrupted before the run was complete.', { reported: true });
}

/** The summary on stderr, the JSON report on stdout (--json), the HTML report in a file (--html). */
export async function deliver(report: BenchReport, args: { json?: boolean; html?: string }, ctx: Context): Promise<void> {
  ctx.ui.info(renderSummary(report));
  if (args.json) ctx.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  if (args.html !== undefined) {
    const { writeHtmlReport } = await import('./html-file.js');
    await writeHtmlReport(report, path.resolve(ctx.io.cwd(), args.html));
    ctx.ui.info(`HTML report: ${args.html}`);
  }
}

/** --start-at on one machine: t0 on this host's clock once every client is connected. */
function startAtHere(startAtMs: number, ctx: Context): () => Promise<bigint> {
  return async () => {
    const wait = startAtMs - wallNowMs();
    if (wait < 0) ctx.ui.warn(`The --start-at time passed ${(-wait / 1000).toFixed(1)} s ago while the clients connected; starting now.`);
    else ctx.ui.info(`Starting at ${new Date(startAtMs).toISOString()} (in ${(wait / 1000).toFixed(1)} s).`);
    return nowNs() + BigInt(Math.round((wait >= 0 ? wait : 50) * 1e6));
  };
}

/** `mq bench ... --agents N`: the plan is made here, the clients run on the agents. */
async function runOverAgents(mode: BenchMode, args: BenchArgs, ctx: Context, startAtMs: number | undefined): Promise<void> {
  const agents = Number(args.agents);
  if (!/^\s*\d+\s*$/.test(String(args.agents)) || agents < 1 || agents > 10_000) throw new UsageError(`--agents "${args.agents}" is not valid: give the number of agents, from 1 to 10000.`);
  const timeoutS = args.agentsTimeout === undefined ? 30 : Number(args.agentsTimeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || !/^\s*[\d.]+\s*$/.test(String(args.agentsTimeout ?? '30'))) {
    throw new UsageError(`--agents-timeout "${args.agentsTimeout}" is not valid: give the seconds to wait for the agents, e.g. --agents-timeout 60.`);
  }
  if (mode === 'sub' && args.count !== undefined) throw new UsageError('mq bench sub --count cannot be split over agents (each counts what its own subscribers get); use --duration.');
  const prefix = args.controlPrefix ?? DEFAULT_CONTROL_PREFIX;
  const problem = topicPartProblem(prefix, true);
  if (problem) throw new UsageError(`--control-prefix '${prefix}' cannot be used: ${problem}.`);
  if (args.id !== undefined) throw new UsageError('-i does not apply to mq bench: each client gets <prefix><pub|sub|conn>-<n>; set the prefix with --id-prefix.');

  const control = await resolveControl(args, ctx);
  // The clients run on the agents: their machines' limits (ports, open files, cores) are theirs to check.
  const plan = buildPlan(mode, planFlags(args), {
    cores: 1,
    targets: 1,
    defaultIdPrefix: `mq-bench-${randomBytes(3).toString('hex')}-`,
    ...(control.settings.idPrefix !== undefined ? { idPrefix: control.settings.idPrefix } : {}),
  });
  const workers = args.workers !== undefined ? plan.workers : null;

  const startedAt = new Date();
  const { runController } = await import('./controller.js');
  const outcome = await runController({
    plan, agents, agentsTimeoutMs: timeoutS * 1000, prefix, control, workers,
    ...(startAtMs !== undefined ? { startAtMs } : {}),
  }, ctx);
  const report = buildReport({ ...plan, workers: outcome.workers }, outcome.result, {
    system: systemFacts(),
    brokers: outcome.brokers,
    protocolVersion: outcome.protocolVersion,
    keepalive: outcome.keepalive,
    startedAt,
    agents: outcome.rows,
    missingAgents: outcome.missing,
    crossHostUncertaintyMs: outcome.crossHostUncertaintyMs,
  });
  await deliver(report, args, ctx);
  if (outcome.missing.length > 0) {
    throw new MqError(`Partial results: agent${outcome.missing.length === 1 ? '' : 's'} ${outcome.missing.join(', ')} did not report by the end of the drain; the totals leave out ${outcome.missing.length === 1 ? 'its' : 'their'} clients.`);
  }
  const bounded = plan.durationNs !== undefined || plan.count !== undefined;
  if (outcome.interrupted && bounded) throw new InterruptedError('Interrupted before the run was complete.', { reported: true });
}

/** Where the clients connected, without credentials. */
export function brokerUrl(settings: ConnectionSettings): string {
  if (settings.unix) return `unix:${settings.unix}`;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${settings.transport}://${host}:${settings.port}`;
}

export function systemFacts(): SystemFacts {
  const cpus = os.cpus();
  return {
    mqVersion: VERSION,
    node: process.version,
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism() },
  };
}

/** Linux's ephemeral port range: how many connections one local address can open to one broker address. */
async function localPorts(): Promise<{ localPorts?: number }> {
  try {
    const [low, high] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && high >= low) return { localPorts: high - low + 1 };
  } catch {
    // Not Linux: no known limit to check.
  }
  return {};
}

/** The soft limit on open files (Linux /proc), which caps the number of clients. */
async function openFiles(): Promise<{ openFiles?: number }> {
  try {
    const line = (await readFile('/proc/self/limits', 'utf8')).split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line ? Number(line.slice('Max open files'.length).trim().split(/\s+/)[0]) : NaN;
    if (Number.isSafeInteger(soft)) return { openFiles: soft };
  } catch {
    // Not Linux, or "unlimited": no known limit to check.
  }
  return {};
}
