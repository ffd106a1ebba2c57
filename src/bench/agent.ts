/**
 * `mq bench agent`: one machine's part of a run over several. It connects to the control broker,
 * says hello on the control topic, and serves run after run until Ctrl-C: answer clock pings, take
 * a plan (refused if it comes from another mq version), connect its share of the clients with its
 * own connection settings, start at the controller's instant, send its result. The protocol is in
 * control.ts; the run itself is the same runner as a single-machine bench.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { brokerLabel } from '../connection/errors.js';
import type { Context } from '../context.js';
import { MqError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { hostClock, wallNowMs } from './clock.js';
import { ControlChannel, controlTopics, DEFAULT_CONTROL_PREFIX, toWire, topicPartProblem, type RunPlan, type ToAgent, type ToController } from './control.js';
import type { Counters } from './counters.js';
import { size } from './split.js';
import { brokerUrl, resolveControl, resolveTargets, systemFacts, type BenchArgs } from './run.js';
import { runBench } from './runner.js';

export type AgentArgs = BenchArgs & { name?: string };

/** How long a finished run's result may take to reach the broker when the agent is stopping. */
const SEND_RESULT_MS = 5000;

/**
 * Test-only variables: MQ_TEST_BENCH_HOST makes the agent behave as a host of that name (a clock
 * of its own), MQ_TEST_BENCH_CLOCK_SKEW_MS sets that clock ahead, MQ_TEST_BENCH_VERSION fakes the
 * mq version. One machine can then play several, with skewed clocks, or an older mq.
 */
function testOverrides(env: Record<string, string | undefined>) {
  const skew = Number(env.MQ_TEST_BENCH_CLOCK_SKEW_MS ?? 0);
  return {
    ...(env.MQ_TEST_BENCH_HOST ? { host: env.MQ_TEST_BENCH_HOST } : {}),
    ...(Number.isFinite(skew) && skew !== 0 ? { skewMs: skew } : {}),
    version: env.MQ_TEST_BENCH_VERSION || VERSION,
  };
}

export async function runAgentCommand(args: AgentArgs, ctx: Context): Promise<void> {
  const name = args.name ?? `${os.hostname()}-${process.pid}`;
  const nameProblem = topicPartProblem(name, false);
  if (nameProblem) throw new UsageError(`--name '${name}' cannot be used: ${nameProblem}.`);
  const prefix = args.controlPrefix ?? DEFAULT_CONTROL_PREFIX;
  const prefixProblem = topicPartProblem(prefix, true);
  if (prefixProblem) throw new UsageError(`--control-prefix '${prefix}' cannot be used: ${prefixProblem}.`);
  for (const [flag, value] of [['--agents', args.agents], ['--json', args.json], ['--html', args.html], ['--start-at', args.startAt]] as const) {
    if (value !== undefined) throw new UsageError(`${flag} is for the controller (mq bench ... --agents N), not for an agent.`);
  }

  const test = testOverrides(ctx.env);
  const clock = hostClock(test);
  const host = test.host ?? os.hostname();
  const { targets, session, first } = await resolveTargets(args, ctx);
  const control = await resolveControl(args, ctx);
  const topics = controlTopics(prefix);
  const instance = randomBytes(6).toString('hex');

  const { connect } = await import('../connection/connect.js');
  const connection = await connect(control.settings, {
    clientId: `mq-bench-agent-${instance}`,
    clean: true,
    properties: {},
    // A killed agent is named at once: the broker publishes this when the connection drops.
    will: { topic: topics.hello, payload: Buffer.from(JSON.stringify({ type: 'gone', name, instance })), qos: 1, retain: false },
  }, ctx.ui, { reconnect: true, spinner: !ctx.ui.quiet });
  const channel = new ControlChannel<ToAgent>(connection);
  const reply = (controller: string, message: ToController) => channel.post(topics.controller(controller), message);

  /** The run in progress: whose, and how to end it early. */
  let current: {
    controller: string;
    start: (t0: bigint) => void;
    abort: (reason: string) => void;
    stop: () => void;
    aborted: boolean;
    done: Promise<void>;
  } | undefined;

  const hello = () => channel.post(topics.hello, {
    type: 'hello', name, instance, version: test.version, busy: current !== undefined, host, clockDomain: clock.domain,
  } satisfies ToController);

  const serve = (controller: string, run: RunPlan) => {
    let start!: (t0: bigint) => void;
    let abort!: (error: Error) => void;
    const started = new Promise<bigint>((resolve, reject) => { start = resolve; abort = reject; });
    started.catch(() => {});
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => { stop = resolve; });
    const clients = size(run.share.publishers) + size(run.share.subscribers) + size(run.share.idle);
    // This machine's threads, and its part of --connect-rate.
    const { connectRate: _whole, ...rest } = run.plan;
    const plan = {
      ...rest,
      workers: Math.max(1, Math.min(run.workers ?? os.availableParallelism(), clients)),
      ...(run.share.connectRate !== undefined ? { connectRate: run.share.connectRate } : {}),
    };
    const state = {
      controller,
      start,
      abort: (reason: string) => { state.aborted = true; abort(new MqError(`The controller called the run off: ${reason}.`)); stop(); },
      stop,
      aborted: false,
      done: Promise.resolve(),
    };
    current = state;
    ctx.ui.info(`Run ${run.runId.toString(16)} from controller ${controller}: ${describeShare(run)}.`);
    // The run's Ctrl-C is this agent's, or the controller's stop.
    const runCtx: Context = { ...ctx, interrupted: () => Promise.race([ctx.interrupted(), stopped.then(() => 'SIGINT' as const)]) };
    state.done = runBench(plan, targets, session, runCtx, {
      share: run.share,
      runId: run.runId,
      clock,
      corrections: run.corrections,
      messagesPerSubscriber: run.messagesPerSubscriber,
      startAt: (counters: Counters) => {
        reply(controller, { type: 'ready', name, counters });
        return started;
      },
      onSecond: (counters) => reply(controller, { type: 'stats', name, counters }),
    }).then(async (result) => {
      if (state.aborted) return;
      const wire = toWire(result, {
        brokers: targets.map((t) => brokerUrl(t.settings)),
        protocolVersion: first.settings.protocolVersion,
        keepalive: first.settings.keepalive,
        workers: plan.workers,
        system: { ...systemFacts(), mqVersion: test.version },
        host,
      });
      await Promise.race([channel.send(topics.controller(controller), { type: 'result', name, result: wire } satisfies ToController), delay(SEND_RESULT_MS)]);
      const c = result.counters;
      ctx.ui.info(`Run ${run.runId.toString(16)} done: sent ${c.sent}, received ${c.received}${result.interrupted ? ' (stopped early)' : ''}; result sent to ${controller}.`);
    }, (error: unknown) => {
      if (state.aborted) {
        ctx.ui.info(`Run ${run.runId.toString(16)} called off by its controller.`);
        return;
      }
      const e = error instanceof MqError ? error : new MqError(error instanceof Error ? error.message : String(error));
      ctx.ui.warn(`Run ${run.runId.toString(16)} failed: ${e.message}`);
      reply(controller, { type: 'failed', name, error: { message: e.message, exitCode: e.exitCode, ...(e.hint ? { hint: e.hint } : {}) } });
    }).finally(() => {
      if (current === state) current = undefined;
      hello();
    });
  };

  channel.on((message) => {
    switch (message.type) {
      case 'discover':
        hello();
        break;
      case 'ping':
        reply(message.controller, { type: 'pong', name, seq: message.seq, mono: String(clock.now()), wallMs: wallNowMs() + (test.skewMs ?? 0) });
        break;
      case 'plan': {
        if (message.version !== test.version) {
          const reason = `it runs mq ${test.version} and the controller mq ${message.version}; run one mq version on every machine`;
          ctx.ui.warn(`Refused a run from controller ${message.controller}: ${reason}.`);
          reply(message.controller, { type: 'refused', name, reason });
        } else if (current) {
          reply(message.controller, { type: 'refused', name, reason: `it is busy with a run of controller ${current.controller}` });
        } else {
          reply(message.controller, { type: 'accepted', name });
          serve(message.controller, message.run);
        }
        break;
      }
      case 'start':
        if (current?.controller === message.controller) current.start(BigInt(message.t0));
        break;
      case 'stop':
        if (current?.controller === message.controller) current.stop();
        break;
      case 'abort':
        if (current?.controller === message.controller) current.abort(message.reason);
        break;
      case 'controller-gone':
        if (current?.controller === message.controller) current.abort('the controller is gone');
        break;
    }
  });

  await channel.subscribe([topics.discover, topics.agent(name)]);
  // After a reconnect, controllers learn again that this agent is there.
  connection.client.on('connect', hello);
  hello();
  ctx.ui.info(`mq bench agent ${name}: waiting for runs on ${brokerLabel(control.settings)} (${prefix}); clients go to ${targets.map((t) => brokerUrl(t.settings)).join(', ')}. Ctrl-C to stop.`);

  try {
    await Promise.race([ctx.interrupted(), connection.failed]);
    // Ctrl-C during a run: the runner stops it (the same signal) and the result still goes out.
    await current?.done;
  } finally {
    await connection.close();
  }
}

function describeShare(run: RunPlan): string {
  const parts: string[] = [];
  const { publishers, subscribers, idle } = run.share;
  if (size(publishers) > 0) parts.push(`publishers ${publishers[0]}-${publishers[1] - 1}`);
  if (size(subscribers) > 0) parts.push(`subscribers ${subscribers[0]}-${subscribers[1] - 1}`);
  if (size(idle) > 0) parts.push(`connections ${idle[0]}-${idle[1] - 1}`);
  return `${parts.join(', ')} of mq bench ${run.plan.mode === 'pubsub' ? '' : run.plan.mode}`.replace(/ $/, '');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
