/**
 * argv (+ MQ_* + rc file) -> what the command asks of its connection, run in-process with a fake
 * ctx.connect: the settings resolved by the real resolver, the command's own defaults, and the
 * connect options (reconnect, receive maximum). Nothing connects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectOptions } from '../../src/connection/connect.ts';
import { prepareConnection, type PreparedConnection } from '../../src/connection/prepare.ts';
import { MqError } from '../../src/errors.ts';
import { createUi } from '../../src/ui.ts';
import { runInProcess, type InProcessOptions } from './helpers.ts';

interface Plan {
  defaults: object | undefined;
  settings: Record<string, unknown>;
  connect: ConnectOptions | undefined;
}

/** Run argv until the command connects; return what it asked for. */
async function planOf(argv: string[], options: InProcessOptions = {}): Promise<Plan> {
  let plan: Plan | undefined;
  const result = await runInProcess(argv, {
    ...options,
    seams: {
      async connect(args, defaults) {
        // The real resolver, on the same environment (no rc file: HOME and cwd hold none).
        const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: { HOME: '/nonexistent', ...options.env }, cwd: () => '/nonexistent', on: () => {}, off: () => {} };
        const prepared: PreparedConnection = await prepareConnection(args, { io, env: io.env, ui: await createUi(io) }, defaults);
        return {
          ...prepared,
          async connect(connectOptions) {
            plan = { defaults, settings: { ...prepared.settings }, connect: connectOptions };
            throw new MqError('stopped before connecting');
          },
        };
      },
    },
  });
  assert.deepEqual([result.code, result.stderr], [1, 'Error: stopped before connecting\n']);
  return plan!;
}

const cases: [name: string, argv: string[], env: Record<string, string>, expected: { settings: Record<string, unknown>; defaults?: object; connect: Partial<ConnectOptions> }][] = [
  ['pub: flags over env over defaults', ['pub', '-h', 'flag.example', '-t', 't', '-m', 'x'], { MQ_HOST: 'env.example', MQ_PORT: '1999' },
    { settings: { host: 'flag.example', port: 1999, protocolVersion: 4, transport: 'mqtt' }, connect: {} }],
  ['pub -D makes it v5', ['pub', '-t', 't', '-m', 'x', '-D', 'publish', 'content-type', 'text/plain'], {},
    { settings: { host: 'localhost', port: 1883, protocolVersion: 5, transport: 'mqtt' }, connect: {} }],
  ['pub -l reconnects', ['pub', '-t', 't', '-l'], {},
    { settings: { host: 'localhost', port: 1883, protocolVersion: 4, transport: 'mqtt' }, connect: { reconnect: true } }],
  ['sub: receive maximum 20, reconnects', ['sub', '-t', 'a/#', '-V', '5'], {},
    { settings: { host: 'localhost', port: 1883, protocolVersion: 5, transport: 'mqtt' }, connect: { reconnect: true, receiveMaximum: 20 } }],
  ['sub -C 3: receive maximum 3', ['sub', '-t', 'a/#', '-C', '3'], {},
    { settings: { host: 'localhost', port: 1883, protocolVersion: 4, transport: 'mqtt' }, connect: { reconnect: true, receiveMaximum: 3 } }],
  // mosquitto_rr waits for one response (-C 1), so it asks for one message in flight.
  ['rr speaks v5 unless told otherwise', ['rr', '-t', 'req', '-e', 'resp', '-m', 'x'], {},
    { settings: { host: 'localhost', port: 1883, protocolVersion: 5, transport: 'mqtt' }, defaults: { protocolVersion: 5 }, connect: { receiveMaximum: 1 } }],
  ['-L sets transport, host, port and topic; --cafile keeps mqtts', ['pub', '-L', 'mqtts://broker.example:8884/a/b', '-m', 'x'], {},
    { settings: { host: 'broker.example', port: 8884, protocolVersion: 4, transport: 'mqtts' }, connect: {} }],
];

for (const [name, argv, env, expected] of cases) {
  test(name, async () => {
    const plan = await planOf(argv, { env });
    const picked = Object.fromEntries(Object.keys(expected.settings).map((key) => [key, plan.settings[key]]));
    assert.deepEqual(picked, expected.settings);
    assert.deepEqual(plan.defaults, expected.defaults);
    const connect = Object.fromEntries(Object.keys(expected.connect).map((key) => [key, (plan.connect as Record<string, unknown>)[key]]));
    assert.deepEqual(connect, expected.connect);
  });
}
