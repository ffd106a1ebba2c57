/**
 * The controller of a run over agents (`mq bench [pub|sub|conn] ... --agents N`): it finds N idle
 * agents on the control topic, measures their clock offsets, hands each its share of the plan,
 * starts them all at one instant, shows a live line from their stats, and collects their results.
 * It runs no bench client itself. The protocol is in control.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../connection/connect.js';
import { brokerLabel } from '../connection/errors.js';
import type { ConnectionSettings } from '../connection/settings.js';
import type { TlsFiles } from '../connection/session.js';
import type { Context } from '../context.js';
import { ConnectionLostError, InterruptedError, MqError } from '../errors.js';
import { VERSION } from '../version.js';
import { nowNs, wallNowMs } from './clock.js';
import { ControlChannel, controlTopics, fromWire, type RunPlan, type ToController, type WireResult } from './control.js';
import { totalCounters, type Counters } from './counters.js';
import { createHistogram, latencyReport } from './histogram.js';
import { mergeResults } from './merge.js';
import { corrections, crossHostUncertaintyNs, estimateOffset, type ClockOffset, type ClockReading, type ClockSample } from './offset.js';
import type { BenchPlan } from './plan.js';
import { liveLine, lostCount, mainPercentiles, primaryKind, type AgentRow } from './report.js';
import type { BenchResult } from './result.js';
import { scheduledWindowNs } from './runner.js';
import { messagesPerSubscriber, size, splitClients, type AgentShare } from './split.js';

/** Round trips per agent for its clock offset (before the run; half as many after it, for the drift). */
const PINGS = 8;
/** While the best round trip is above this (a busy machine or network), up to MAX_PINGS round trips. */
const GOOD_RTT_NS = 2_000_000;
const MAX_PINGS = 32;
const PING_TIMEOUT_MS = 3000;
const ACCEPT_TIMEOUT_MS = 10_000;
/** The common start is this far ahead of the moment every agent is ready: time for the start message to arrive. */
const START_LEAD_NS = 1_500_000_000n;
/** An agent's will counts once the control connection is still up this long after it. */
const GONE_CONFIRM_MS = 500;
/** After the drain, agents close their clients and send their results: this long at most. */
const RESULT_GRACE_MS = 15_000;

export interface ControllerInput {
  plan: BenchPlan;
  agents: number;
  agentsTimeoutMs: number;
  prefix: string;
  control: { settings: ConnectionSettings; tlsFiles: TlsFiles };
  /** --workers as given; null: each agent uses its own cores. */
  workers: number | null;
  /** --start-at, ms since the epoch. */
  startAtMs?: number;
}

export interface ControllerOutcome {
  result: BenchResult;
  rows: AgentRow[];
  missing: string[];
  crossHostUncertaintyMs: number;
  brokers: string[];
  protocolVersion: number;
  keepalive: number;
  workers: number;
  interrupted: boolean;
}

interface Hello {
  name: string;
  instance: string;
  version: string;
  busy: boolean;
  host: string;
  clockDomain: number;
}

interface Member {
  hello: Hello;
  share: AgentShare;
  clock?: ClockOffset;
  drift?: number;
  accepted: boolean;
  refused?: string;
  ready: boolean;
  failed?: string;
  gone: boolean;
  counters?: Counters;
  result?: WireResult;
}

const reading = (): ClockReading => ({ mono: nowNs(), wallMs: wallNowMs() });

export async function runController(input: ControllerInput, ctx: Context): Promise<ControllerOutcome> {
  const { plan } = input;
  const id = randomBytes(6).toString('hex');
  const topics = controlTopics(input.prefix);
  const label = brokerLabel(input.control.settings);
  const shares = splitClients(plan, input.agents);

  const { connect } = await import('../connection/connect.js');
  const connection: Connection = await connect(input.control.settings, {
    clientId: `mq-bench-ctl-${id}`,
    clean: true,
    properties: {},
    // If this process dies, its agents end the run instead of running on for nobody.
    will: { topic: topics.discover, payload: Buffer.from(JSON.stringify({ type: 'controller-gone', controller: id })), qos: 1, retain: false },
  }, ctx.ui, { reconnect: false, spinner: false });
  const channel = new ControlChannel<ToController & { type: string }>(connection);

  const lost = connection.failed.catch((error: unknown) => {
    throw new ConnectionLostError(`Lost the control connection to ${label}: the agents can no longer be reached, and their results are lost.`, {
      cause: error,
      hint: 'The agents finish their share and wait for the next run; start the run again once the control broker is back.',
    });
  });
  lost.catch(() => {});

  // Everything that arrives updates the state below, then wakes whoever waits for it.
  const hellos = new Map<string, Hello>();
  const members = new Map<string, Member>();
  const pongs = new Map<string, (sample: ClockSample) => void>();
  const pingSent = new Map<string, ClockReading>();
  let wake: () => void = () => {};
  channel.on((message) => {
    const at = reading();
    switch (message.type) {
      case 'hello': {
        const hello = message as unknown as Hello;
        hellos.set(hello.name, hello);
        break;
      }
      case 'gone': {
        const known = hellos.get(message.name);
        if (known?.instance === message.instance) hellos.delete(message.name);
        const member = members.get(message.name);
        // A broker that shuts down publishes every will before it drops us: an agent counts as
        // gone only if the control connection outlives its will by a moment.
        if (member && member.hello.instance === message.instance) {
          setTimeout(() => {
            if (!connection.client.connected) return;
            member.gone = true;
            wake();
          }, GONE_CONFIRM_MS).unref();
        }
        break;
      }
      case 'pong': {
        const key = `${message.name}/${message.seq}`;
        const sent = pingSent.get(key);
        if (sent) pongs.get(key)?.({ sent, received: at, agent: { mono: BigInt(message.mono), wallMs: message.wallMs } });
        break;
      }
      default: {
        const member = members.get(message.name);
        if (!member) break;
        if (message.type === 'accepted') member.accepted = true;
        if (message.type === 'refused') member.refused = message.reason;
        if (message.type === 'ready') { member.ready = true; member.counters = message.counters; }
        if (message.type === 'stats') member.counters = message.counters;
        if (message.type === 'result') { member.result = message.result; member.counters = message.result.counters; }
        if (message.type === 'failed') member.failed = message.error.message;
      }
    }
    wake();
  });

  let interrupted = false;
  void ctx.interrupted().then(() => { interrupted = true; wake(); });

  /** Resolves with check()'s first defined value, 'deadline' or 'interrupted'; rejects when the control connection is lost. */
  function until<T>(check: () => T | undefined, deadlineMs?: number, interruptible = true): Promise<T | 'deadline' | 'interrupted'> {
    const waiting = new Promise<T | 'deadline' | 'interrupted'>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (value: T | 'deadline' | 'interrupted') => {
        clearTimeout(timer);
        wake = () => {};
        resolve(value);
      };
      const test = () => {
        const value = check();
        if (value !== undefined) finish(value);
        else if (interruptible && interrupted) finish('interrupted');
      };
      // Unref'd: when the control connection is lost the wait is over, and no timer may hold the exit.
      if (deadlineMs !== undefined) timer = setTimeout(() => finish('deadline'), Math.max(0, deadlineMs - performance.now())).unref();
      wake = test;
      test();
    });
    return Promise.race([waiting, lost]);
  }

  const send = (name: string, message: object) => channel.post(topics.agent(name), { ...message, controller: id });
  let started = false;
  const abortAll = (reason: string) => {
    for (const name of members.keys()) send(name, { type: 'abort', reason });
  };

  try {
    await Promise.race([channel.subscribe([topics.hello, topics.controller(id)]), lost]);

    // 1. Find N idle agents.
    ctx.ui.info(`Waiting up to ${input.agentsTimeoutMs / 1000} s for ${input.agents} agent${input.agents === 1 ? '' : 's'} on ${label} (${input.prefix})...`);
    channel.post(topics.discover, { type: 'discover', controller: id });
    const idle = () => [...hellos.values()].filter((h) => !h.busy).sort((a, b) => a.name.localeCompare(b.name));
    const found = await until(() => (idle().length >= input.agents ? idle().slice(0, input.agents) : undefined), performance.now() + input.agentsTimeoutMs);
    if (found === 'interrupted') throw new InterruptedError('Interrupted while waiting for agents.');
    if (found === 'deadline') {
      const came = idle().map((h) => h.name);
      const busy = [...hellos.values()].filter((h) => h.busy).map((h) => h.name);
      throw new MqError(`Only ${came.length} of ${input.agents} agents came within ${input.agentsTimeoutMs / 1000} s on ${label} (${input.prefix})${came.length > 0 ? `: ${came.join(', ')}` : ''}${busy.length > 0 ? `; busy with another run: ${busy.join(', ')}` : ''}.`, {
        hint: 'Start more with `mq bench agent` (same broker and --control-prefix), or lower --agents.',
      });
    }
    found.forEach((hello, i) => members.set(hello.name, { hello, share: shares[i]!, accepted: false, ready: false, gone: false }));

    // 2. Their clock offsets: the best of several round trips each, all agents at once.
    let pingSeq = 0;
    const measure = async (member: Member, rounds: number): Promise<ClockOffset> => {
      const samples: ClockSample[] = [];
      const enough = () => samples.length >= rounds && (estimateOffset(samples)!.rttNs <= GOOD_RTT_NS || samples.length >= MAX_PINGS);
      for (let i = 0; i < MAX_PINGS && !enough(); i++) {
        const seq = pingSeq++;
        const key = `${member.hello.name}/${seq}`;
        const answered = new Promise<ClockSample>((resolve) => pongs.set(key, resolve));
        pingSent.set(key, reading());
        send(member.hello.name, { type: 'ping', seq });
        const sample = await Promise.race([answered, timeout(PING_TIMEOUT_MS), lost]);
        pongs.delete(key);
        pingSent.delete(key);
        if (sample === undefined) break;
        samples.push(sample);
      }
      const offset = estimateOffset(samples);
      if (!offset) throw new MqError(`Agent ${member.hello.name} did not answer the clock measurement within ${PING_TIMEOUT_MS / 1000} s.`);
      return offset;
    };
    for (const [member, offset] of await Promise.all([...members.values()].map(async (m) => [m, await measure(m, PINGS)] as const))) member.clock = offset;
    const clocks = [...members.values()].map((m) => ({ domain: m.hello.clockDomain, offset: m.clock! }));

    // 3. The plan: each agent's share; every one checks our version against its own.
    const runId = randomBytes(4).readUInt32BE(0);
    const perSubscriber = messagesPerSubscriber(plan);
    for (const member of members.values()) {
      const run: RunPlan = {
        runId, plan, share: member.share, workers: input.workers, messagesPerSubscriber: perSubscriber,
        corrections: corrections(clocks, member.hello.clockDomain),
      };
      send(member.hello.name, { type: 'plan', version: VERSION, run });
    }
    const answered = await until(() => {
      const refused = [...members.values()].find((m) => m.refused !== undefined);
      if (refused) return refused;
      return [...members.values()].every((m) => m.accepted) ? true : undefined;
    }, performance.now() + ACCEPT_TIMEOUT_MS);
    if (answered !== true) {
      abortAll('the run was called off');
      if (answered === 'interrupted') throw new InterruptedError('Interrupted before the run started.');
      if (answered === 'deadline') {
        const silent = [...members.values()].filter((m) => !m.accepted).map((m) => m.hello.name);
        throw new MqError(`Agent${silent.length === 1 ? '' : 's'} ${silent.join(', ')} did not answer the run plan within ${ACCEPT_TIMEOUT_MS / 1000} s.`);
      }
      throw new MqError(`Agent ${answered.hello.name} refused the run: ${answered.refused}.`);
    }

    // 4. Every agent connects its clients; then one start for all, on each agent's own clock.
    ctx.ui.info(`Agents ${[...members.keys()].join(', ')} are connecting ${plan.publishers + plan.subscribers + plan.idle} clients...`);
    const ready = await until(() => {
      const bad = [...members.values()].find((m) => m.failed !== undefined || m.gone);
      if (bad) return bad;
      return [...members.values()].every((m) => m.ready) ? true : undefined;
    });
    if (ready !== true) {
      abortAll('the run was called off');
      if (ready === 'interrupted' || ready === 'deadline') throw new InterruptedError('Interrupted before the run started.');
      throw new MqError(ready.gone ? `Agent ${ready.hello.name} left before the run started.` : `Agent ${ready.hello.name} could not run its share: ${ready.failed}`);
    }
    const t0 = input.startAtMs !== undefined
      ? nowNs() + BigInt(Math.round(Math.max(0, input.startAtMs - wallNowMs()) * 1e6)) + 100_000_000n
      : nowNs() + START_LEAD_NS;
    if (input.startAtMs !== undefined && input.startAtMs < wallNowMs()) ctx.ui.warn('The --start-at time passed while the agents connected; starting now.');
    for (const member of members.values()) send(member.hello.name, { type: 'start', t0: String(t0 + member.clock!.monoOffsetNs) });
    started = true;
    const windowStartMs = wallNowMs() + Number(t0 + BigInt(Math.round(plan.warmupNs)) - nowNs()) / 1e6;

    // 5. A live line from the agents' stats until every result is in.
    const clients = plan.publishers + plan.subscribers + plan.idle;
    let previous = { at: performance.now(), counters: totalCounters([]) };
    const live = setInterval(() => {
      if (nowNs() < t0) return;
      const counters = totalCounters([...members.values()].map((m) => m.counters).filter((c): c is Counters => c !== undefined));
      const now = performance.now();
      ctx.ui.info(liveLine(plan, { elapsedS: Number(nowNs() - t0) / 1e9, seconds: (now - previous.at) / 1000, previous: previous.counters, current: counters, p99: null, clients }));
      previous = { at: now, counters };
    }, 1000);
    const windowNs = scheduledWindowNs(plan);
    const endMs = () => performance.now() + Number(t0 - nowNs()) / 1e6 + (plan.warmupNs + (windowNs ?? 0) + plan.drainNs) / 1e6;
    let deadline = windowNs !== undefined ? endMs() + RESULT_GRACE_MS : undefined;
    const done = () => ([...members.values()].every((m) => m.result || m.gone || m.failed !== undefined) ? true : undefined);
    try {
      let outcome = await until(done, deadline);
      if (outcome === 'interrupted') {
        // Ctrl-C: the agents stop and report what ran; a second Ctrl-C stops waiting for them.
        for (const name of members.keys()) send(name, { type: 'stop' });
        deadline = performance.now() + RESULT_GRACE_MS;
        let onSecond = () => {};
        const second = new Promise<void>((resolve) => { onSecond = resolve; });
        ctx.io.on('SIGINT', onSecond);
        ctx.io.on('SIGTERM', onSecond);
        try {
          outcome = await Promise.race([until(done, deadline, false), second.then(() => 'interrupted' as const)]);
        } finally {
          ctx.io.off('SIGINT', onSecond);
          ctx.io.off('SIGTERM', onSecond);
        }
      }
    } finally {
      clearInterval(live);
    }

    // 6. The offsets again: how far they drifted during the run.
    const reported = [...members.values()].filter((m) => m.result);
    await Promise.all(reported.map(async (m) => {
      const after = await measure(m, PINGS / 2).catch(() => undefined);
      if (after) m.drift = Number(after.monoOffsetNs - m.clock!.monoOffsetNs) / 1e6;
    }));

    const results = reported.map((m) => fromWire(m.result!));
    const merged = mergeResults(results);
    merged.windowStartMs = windowStartMs;
    merged.interrupted = interrupted || merged.interrupted;
    const totalSent = merged.counters.sent;
    const kind = primaryKind(plan);
    const rows: AgentRow[] = [...members.values()].map((m) => row(m, plan, kind, totalSent));
    const first = reported[0]?.result;
    return {
      result: merged,
      rows,
      missing: [...members.values()].filter((m) => !m.result).map((m) => m.hello.name),
      crossHostUncertaintyMs: round(crossHostUncertaintyNs(clocks) / 1e6, 3),
      brokers: [...new Set(reported.flatMap((m) => m.result!.brokers))],
      protocolVersion: first?.protocolVersion ?? input.control.settings.protocolVersion,
      keepalive: first?.keepalive ?? input.control.settings.keepalive,
      workers: reported.reduce((n, m) => n + m.result!.workers, 0),
      interrupted,
    };
  } catch (error) {
    if (started) abortAll('the controller stopped');
    throw error;
  } finally {
    await connection.close();
  }
}

function timeout(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

/** An agent's row: its clients' counts and main percentiles, and its clock. */
function row(m: Member, plan: BenchPlan, kind: ReturnType<typeof primaryKind>, totalSent: number): AgentRow {
  const clients = { publishers: size(m.share.publishers), subscribers: size(m.share.subscribers), connections: size(m.share.idle) };
  const clock = m.clock ? { offsetMs: round(m.clock.wallOffsetMs, 3), uncertaintyMs: round(m.clock.uncertaintyNs / 1e6, 3), driftMs: m.drift !== undefined ? round(m.drift, 3) : null } : null;
  const base = { name: m.hello.name, host: m.hello.host, mqVersion: m.hello.version, clients, clock };
  if (!m.result) {
    return { ...base, brokers: [], reported: false, sent: null, acked: null, received: null, lost: null, p50: null, p99: null, latency: null };
  }
  const result = fromWire(m.result);
  const c = result.counters;
  // Every subscriber of the run should get every publisher's messages, on whichever agent.
  const agentPlan = { ...plan, subscribers: clients.subscribers };
  const lost = clients.subscribers === 0 ? null
    : plan.mode === 'pubsub' ? Math.max(c.lost, totalSent * clients.subscribers - c.unique) : lostCount(agentPlan, c);
  const { p50, p99 } = mainPercentiles(kind, result.latency);
  const empty = createHistogram();
  return {
    ...base,
    brokers: m.result.brokers,
    reported: true,
    sent: clients.publishers > 0 ? c.sent : null,
    acked: clients.publishers > 0 && plan.qos > 0 ? c.acked : null,
    received: clients.subscribers > 0 ? c.received : null,
    lost,
    p50,
    p99,
    latency: {
      endToEnd: latencyReport(result.latency.endToEnd ?? empty),
      endToEndCrossHost: latencyReport(result.latency.endToEndCrossHost ?? empty),
      publishToAck: latencyReport(result.latency.publishToAck ?? empty),
      connect: latencyReport(result.latency.connect ?? empty),
    },
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
