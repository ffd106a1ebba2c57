/**
 * `mq bench [pub|sub|conn]`: resolve the connection settings once (flags, MQ_* variables, rc
 * profile) per broker, validate the plan, run it on worker threads, print the summary and report.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { VERSION } from '../version.js';
import { sessionOptions } from '../connection/session.js';
import { readTlsFiles } from '../connection/tls-files.js';
import type { ConnectionArgs } from '../connection/options.js';
import { resolveSettings } from '../connection/prepare.js';
import { parseProperties } from '../connection/properties.js';
import type { Resolved } from '../connection/resolve.js';
import type { ConnectionSettings } from '../connection/settings.js';
import type { Context } from '../context.js';
import { InterruptedError, UsageError } from '../errors.js';
import { buildPlan, type BenchFlags, type BenchMode } from './plan.js';
import type { Target } from './protocol.js';
import { buildReport, renderSummary, type SystemFacts } from './report.js';
import { runBench } from './runner.js';

export type BenchArgs = ConnectionArgs & Omit<BenchFlags, 'idPrefix' | 'inflight'> & {
  url?: string | string[];
  M?: string;
  json?: boolean;
};

export async function runBenchCommand(mode: BenchMode, args: BenchArgs, ctx: Context): Promise<void> {
  const urls = args.url === undefined ? [] : (Array.isArray(args.url) ? args.url : [args.url]).map(String);
  const hosts = (args.host ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (urls.length > 0 && hosts.length > 1) throw new UsageError('Give several brokers with -h a,b or with several -L URLs, not both.');
  if (args.id !== undefined) throw new UsageError('-i does not apply to mq bench: each client gets <prefix><pub|sub|conn>-<n>; set the prefix with --id-prefix.');

  // One resolution per broker; a prompted password (-P alone) is asked once and reused.
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

  const plan = buildPlan(mode, {
    clients: args.clients, subscribers: args.subscribers, rate: args.rate, interval: args.interval, size: args.size,
    qos: args.qos, retain: args.retain, topic: args.topic, duration: args.duration, count: args.count, warmup: args.warmup,
    connectRate: args.connectRate, inflight: args.M, idOffset: args.idOffset, workers: args.workers, drain: args.drain,
  }, {
    cores: os.availableParallelism(),
    targets: targets.length,
    defaultIdPrefix: `mq-bench-${randomBytes(3).toString('hex')}-`,
    ...(first.settings.idPrefix !== undefined ? { idPrefix: first.settings.idPrefix } : {}),
    ...(targets.every((t) => t.settings.unix === undefined) ? await localPorts() : {}),
    ...(await openFiles()),
  });

  const startedAt = new Date();
  const result = await runBench(plan, targets, session, ctx);
  const report = buildReport(plan, result, {
    system: systemFacts(),
    brokers: targets.map((t) => brokerUrl(t.settings)),
    protocolVersion: first.settings.protocolVersion,
    keepalive: first.settings.keepalive,
    startedAt,
  });
  ctx.ui.info(renderSummary(report));
  if (args.json) ctx.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  // A bounded run cut short by Ctrl-C did not do what was asked; `--duration 0` ends only that way.
  // The summary above already says "interrupted": nothing more goes to stderr.
  const bounded = plan.durationNs !== undefined || plan.count !== undefined;
  if (result.interrupted && bounded) throw new InterruptedError('Interrupted before the run was complete.', { reported: true });
}

/** Where the clients connected, without credentials. */
export function brokerUrl(settings: ConnectionSettings): string {
  if (settings.unix) return `unix:${settings.unix}`;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${settings.transport}://${host}:${settings.port}`;
}

function systemFacts(): SystemFacts {
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
