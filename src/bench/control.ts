/**
 * How a controller (`mq bench ... --agents N`) and its agents (`mq bench agent`) talk: JSON
 * messages at QoS 1 on topics under one prefix of the control broker (by default the broker under
 * test). The broker is the only thing every machine already reaches.
 *
 *   <prefix>/discover            controller -> every agent: who is there? (and a controller's will)
 *   <prefix>/hello               agent -> every controller: here I am (and an agent's will: gone)
 *   <prefix>/agent/<name>        controller -> one agent: ping, plan, start, stop, abort
 *   <prefix>/controller/<id>     agent -> its controller: pong, accepted/refused, ready, stats, result, failed
 *
 * A run: discover -> hello; ping -> pong round trips (clock offsets, offset.ts); plan -> accepted
 * (or refused: another mq version, busy) -> the agent connects its clients -> ready; start (t0 on
 * the agent's own clock) -> stats each second -> result. An agent that dies leaves its will
 * (gone); a controller that dies leaves its own, and its agents end the run.
 */
import type { MqttClient } from 'mqtt';
import type { Connection } from '../connection/connect.js';
import type { Counters } from './counters.js';
import { createHistogram, decodeHistogram, encodeStandard } from './histogram.js';
import type { BenchPlan } from './plan.js';
import type { WorkerError } from './protocol.js';
import type { LatencyKind, SystemFacts } from './report.js';
import type { BenchResult } from './result.js';
import type { AgentShare } from './split.js';

export const DEFAULT_CONTROL_PREFIX = 'mq-bench/control';

export function controlTopics(prefix: string) {
  return {
    discover: `${prefix}/discover`,
    hello: `${prefix}/hello`,
    agent: (name: string) => `${prefix}/agent/${name}`,
    controller: (id: string) => `${prefix}/controller/${id}`,
  };
}

/** A name or prefix that can stand in a topic: no wildcards, and names hold no '/'. */
export function topicPartProblem(text: string, isPrefix: boolean): string | undefined {
  if (text === '') return 'it is empty';
  if (/[+#\u0000]/.test(text)) return "it contains '+', '#' or a NUL character";
  if (!isPrefix && text.includes('/')) return "it contains '/'";
  return undefined;
}

export type ToAgent =
  | { type: 'discover'; controller: string }
  /** The controller's will, on the discover topic: its agents end the run. */
  | { type: 'controller-gone'; controller: string }
  | { type: 'ping'; controller: string; seq: number }
  | { type: 'plan'; controller: string; version: string; run: RunPlan }
  | { type: 'start'; controller: string; t0: string }
  /** Ctrl-C at the controller: stop, and report what ran. */
  | { type: 'stop'; controller: string }
  /** The run is off (another agent refused or failed): no report wanted. */
  | { type: 'abort'; controller: string; reason: string };

export type ToController =
  | { type: 'hello'; name: string; instance: string; version: string; busy: boolean; host: string; clockDomain: number }
  | { type: 'gone'; name: string; instance: string }
  | { type: 'pong'; name: string; seq: number; mono: string; wallMs: number }
  | { type: 'accepted'; name: string }
  | { type: 'refused'; name: string; reason: string }
  | { type: 'ready'; name: string; counters: Counters }
  | { type: 'stats'; name: string; counters: Counters }
  | { type: 'result'; name: string; result: WireResult }
  | { type: 'failed'; name: string; error: WorkerError };

/** An agent's part of a run. */
export interface RunPlan {
  runId: number;
  /** The whole run's plan (every agent schedules its publishers within it). */
  plan: BenchPlan;
  share: AgentShare;
  /** --workers as given to the controller; null: the agent's own number of cores. */
  workers: number | null;
  /** Messages each subscriber should get from every agent's publishers (null: no scheduled end). */
  messagesPerSubscriber: number | null;
  /** Clock domain -> correction (offset.ts), set once the offsets are measured. */
  corrections: Record<string, string>;
}

/** A BenchResult as JSON, with what the controller's report needs to know of the agent. */
export interface WireResult {
  counters: Counters;
  latency: Record<LatencyKind, string>;
  windowNs: number;
  interrupted: boolean;
  connectNs: number;
  drainTimedOut: boolean;
  windowStartMs: number;
  timeline: BenchResult['timeline'];
  brokers: string[];
  protocolVersion: number;
  keepalive: number;
  workers: number;
  system: SystemFacts;
  host: string;
}

export function toWire(result: BenchResult, about: Omit<WireResult, keyof BenchResult>): WireResult {
  const { latency, ...rest } = result;
  return {
    ...rest,
    latency: {
      endToEnd: encodeStandard(latency.endToEnd),
      endToEndCrossHost: encodeStandard(latency.endToEndCrossHost),
      publishToAck: encodeStandard(latency.publishToAck),
      connect: encodeStandard(latency.connect),
    },
    ...about,
  };
}

export function fromWire(wire: WireResult): BenchResult {
  const histogram = (encoded: string | undefined) => (encoded ? decodeHistogram(encoded) : createHistogram());
  return {
    counters: wire.counters,
    latency: {
      endToEnd: histogram(wire.latency.endToEnd),
      endToEndCrossHost: histogram(wire.latency.endToEndCrossHost),
      publishToAck: histogram(wire.latency.publishToAck),
      connect: histogram(wire.latency.connect),
    },
    windowNs: wire.windowNs,
    interrupted: wire.interrupted,
    connectNs: wire.connectNs,
    drainTimedOut: wire.drainTimedOut,
    windowStartMs: wire.windowStartMs,
    timeline: wire.timeline,
  };
}

/** JSON messages over one control connection. */
export class ControlChannel<In extends { type: string }> {
  readonly client: MqttClient;
  private readonly handlers = new Set<(message: In, topic: string) => void>();

  constructor(readonly connection: Connection) {
    this.client = connection.client;
    this.client.on('message', (topic, payload) => {
      let message: In;
      try {
        message = JSON.parse(payload.toString('utf8')) as In;
      } catch {
        return; // not ours: someone else publishes under the prefix
      }
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
      for (const handler of this.handlers) handler(message, topic);
    });
  }

  on(handler: (message: In, topic: string) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  subscribe(topics: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.subscribe(topics, { qos: 1 }, (error, granted) => {
        const refused = granted?.find((g) => g.qos >= 128);
        if (error) reject(error);
        else if (refused) reject(new Error(`the broker refused the subscription to ${refused.topic} (reason code ${refused.qos})`));
        else resolve();
      });
    });
  }

  /** Publish at QoS 1; resolves once the broker has it (MQTT.js queues while reconnecting). */
  send(topic: string, message: object): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.publish(topic, JSON.stringify(message), { qos: 1 }, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Publish and forget: a failure shows as the connection's own error. */
  post(topic: string, message: object): void {
    this.send(topic, message).catch(() => {});
  }
}
