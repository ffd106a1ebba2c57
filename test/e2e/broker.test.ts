import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import {
  MOSQUITTO, freePort, makeTlsMaterial, needsMosquittoClients, needsMosquittoInstalled, needsMosquittoPasswd,
  startMosquitto, startMqBroker as startMqBrokerWithConf, waitFor, type Broker, type TlsMaterial,
} from './helpers/broker.ts';
import { MQ, runMq, spawnMq, tempDir, testEnv, waitForOutput, type RunResult, type Running } from './helpers/run.ts';

/** Everything started here, so `after` can kill what a failed test left running. */
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface MqBroker {
  port: number;
  running: Running;
  /** The -v log with timestamps and client ports replaced, for exact comparisons. */
  log(): string;
  /** SIGTERM (or the given signal) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

async function startMqBroker(args: string[] = [], options: { cwd?: string; port?: number } = {}): Promise<MqBroker> {
  const port = options.port ?? await freePort();
  const running = spawnMq(['broker', '-p', String(port), ...args], { timeoutMs: 60_000, ...(options.cwd ? { cwd: options.cwd } : {}) });
  children.add(running.child);
  await waitForOutput(running, 'mq broker listening on', 10_000);
  return {
    port,
    running,
    log: () => running.stderr().replace(/^\d+: /gm, 'T: ').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:P'),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (running.child.exitCode === null) running.child.kill(signal);
      return running.done;
    },
  };
}

interface ClientResult { code: number | null; stdout: string; stderr: string }

/**
 * The clients the broker is tried with: mosquitto's own where they are installed (another MQTT
 * implementation than the broker's), else mq pub and mq sub, which take the same flags and print
 * the same output, but for the words of a refused login.
 */
const CLIENTS = needsMosquittoClients
  ? {
      names: 'mq pub/sub',
      pub: [process.execPath, MQ, 'pub'],
      sub: [process.execPath, MQ, 'sub'],
      refused: "Error: Connection error: Connection Refused: not authorised. Check -u and -P (or MQ_USERNAME/MQ_PASSWORD) and the broker's password file.\n",
      refusedV5: "Error: Connection error: Not authorized (reason code 135) Check -u and -P (or MQ_USERNAME/MQ_PASSWORD) and the broker's password file.\n",
    }
  : {
      names: 'mosquitto_pub/sub',
      pub: ['mosquitto_pub'],
      sub: ['mosquitto_sub'],
      refused: 'Connection error: Connection Refused: not authorised.\nError: The connection was refused.\n',
      refusedV5: 'Connection error: Not authorized\nError: A network protocol error occurred when communicating with the broker.\n',
    };

/** The password file tool: mosquitto_passwd where it is installed, else mq passwd (same flags, same file). */
const PASSWD = needsMosquittoPasswd ? { name: 'mq passwd', command: [process.execPath, MQ, 'passwd'] } : { name: 'mosquitto_passwd', command: ['mosquitto_passwd'] };

/** A program running in the background: mosquitto itself, or a client (a command line: program and leading arguments). */
function spawnClient(command: string | string[], args: string[]): { child: ChildProcess; done: Promise<ClientResult>; stdout(): string } {
  const [bin, ...leading] = typeof command === 'string' ? [command] : command;
  // mq gets the clean environment of the other tests (no rc file or MQ_* of the developer's).
  const child = spawn(bin!, [...leading, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(bin === process.execPath ? { env: testEnv() } : {}) });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const done = new Promise<ClientResult>((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
  return { child, done, stdout: () => stdout };
}

const run = (command: string | string[], args: string[]) => spawnClient(command, args).done;
const pub = (port: number, args: string[]) => run(CLIENTS.pub, ['-h', '127.0.0.1', '-p', String(port), ...args]);
const sub = (port: number, args: string[]) => spawnClient(CLIENTS.sub, ['-h', '127.0.0.1', '-p', String(port), ...args]);

/** Run the password file tool (PASSWD) to completion: its exit code. */
function passwd(args: string[]): number | null {
  const [bin, ...leading] = PASSWD.command;
  return spawnSync(bin!, [...leading, ...args], { stdio: 'ignore', env: testEnv() }).status;
}

function makePasswordFile(dir: string, users: [string, string][]): string {
  const file = path.join(dir, 'passwd');
  users.forEach(([user, password], i) => {
    assert.equal(passwd(['-b', ...(i === 0 ? ['-c'] : []), file, user, password]), 0);
  });
  return file;
}

function spawnSyncOk(bin: string, args: string[]): number | null {
  return spawnSync(bin, args, { stdio: 'ignore' }).status;
}

/**
 * The same client actions on any broker, with MQTT.js (so each packet is known): a subscriber at
 * QoS 2, QoS 0/1/2 publishes (one retained, one empty), an unsubscribe, then both disconnect.
 */
async function packetScenario(broker: Broker, protocolVersion: 4 | 5): Promise<void> {
  const options = { host: broker.host, port: broker.port, protocolVersion, reconnectPeriod: 0 } as const;
  const watcher = await mqtt.connectAsync({ ...options, clientId: 'watcher' });
  const publisher = await mqtt.connectAsync({ ...options, clientId: 'publisher' });
  try {
    const received: string[] = [];
    watcher.on('message', (topic) => received.push(topic));
    await watcher.subscribeAsync('q/#', { qos: 2 });
    await publisher.publishAsync('q/0', 'm0', { qos: 0 });
    await publisher.publishAsync('q/1', 'm1', { qos: 1 });
    await publisher.publishAsync('q/2', 'hello', { qos: 2 });
    await publisher.publishAsync('q/r', 'kept', { qos: 1, retain: true });
    await publisher.publishAsync('q/e', '', { qos: 1 });
    await waitFor(() => received.length === 5, 5000, () => `the watcher got ${received.join(', ')}\n${broker.log()}`);
    await watcher.unsubscribeAsync('q/#');
  } finally {
    await publisher.endAsync();
    await watcher.endAsync();
  }
  // Each client's packets are handled in order, so once both DISCONNECTs are logged every line before them is too.
  await waitFor(() => broker.log().includes('Client watcher disconnected.') && broker.log().includes('Client publisher disconnected.'), 5000, () => broker.log());
}

/**
 * mosquitto's debug lines (and its subscribe/unsubscribe lines, `CLIENT QOS TOPIC`) from a log,
 * without timestamps, with message ids (which each broker and client numbers its own way) as #,
 * sorted (the order of lines about different clients differs from run to run).
 */
function packetLines(log: string): string[] {
  return log.split('\n')
    .map((line) => line.replace(/^\d+: /, ''))
    .filter((line) => /^(?:Received|Sending) [A-Z]+ |^\t|^No will message specified\.$|^Will message specified \(|^(?:watcher|publisher) \S/.test(line))
    .map((line) => line.replace(/\bm[1-9]\d*\b/g, 'm#').replace(/Mid: \d+/g, 'Mid: #'))
    .sort();
}

/** What mosquitto 2.0.11 logs for packetScenario, v3.1.1 and v5 alike (checked below when it is installed). */
const SCENARIO_PACKET_LINES = [
  'No will message specified.',
  'No will message specified.',
  'Sending CONNACK to watcher (0, 0)',
  'Sending CONNACK to publisher (0, 0)',
  'Received SUBSCRIBE from watcher',
  '\tq/# (QoS 2)',
  'watcher 2 q/#',
  'Sending SUBACK to watcher',
  "Received PUBLISH from publisher (d0, q0, r0, m0, 'q/0', ... (2 bytes))",
  "Sending PUBLISH to watcher (d0, q0, r0, m0, 'q/0', ... (2 bytes))",
  "Received PUBLISH from publisher (d0, q1, r0, m#, 'q/1', ... (2 bytes))",
  'Sending PUBACK to publisher (m#, rc0)',
  "Sending PUBLISH to watcher (d0, q1, r0, m#, 'q/1', ... (2 bytes))",
  'Received PUBACK from watcher (Mid: #, RC:0)',
  "Received PUBLISH from publisher (d0, q2, r0, m#, 'q/2', ... (5 bytes))",
  'Sending PUBREC to publisher (m#, rc0)',
  'Received PUBREL from publisher (Mid: #)',
  'Sending PUBCOMP to publisher (m#)',
  "Sending PUBLISH to watcher (d0, q2, r0, m#, 'q/2', ... (5 bytes))",
  'Received PUBREC from watcher (Mid: #)',
  'Sending PUBREL to watcher (m#)',
  'Received PUBCOMP from watcher (Mid: #, RC:0)',
  "Received PUBLISH from publisher (d0, q1, r1, m#, 'q/r', ... (4 bytes))",
  'Sending PUBACK to publisher (m#, rc0)',
  "Sending PUBLISH to watcher (d0, q1, r0, m#, 'q/r', ... (4 bytes))",
  'Received PUBACK from watcher (Mid: #, RC:0)',
  "Received PUBLISH from publisher (d0, q1, r0, m#, 'q/e', ... (0 bytes))",
  'Sending PUBACK to publisher (m#, rc0)',
  "Sending PUBLISH to watcher (d0, q1, r0, m#, 'q/e', ... (0 bytes))",
  'Received PUBACK from watcher (Mid: #, RC:0)',
  'Received UNSUBSCRIBE from watcher',
  '\tq/#',
  'watcher q/#',
  'Sending UNSUBACK to watcher',
  'Received DISCONNECT from publisher',
  'Received DISCONNECT from watcher',
].sort();

describe('mq broker packet log (log_type debug)', () => {
  for (const version of [4, 5] as const) {
    test(`log_type all in the mosquitto.conf logs mosquitto's line for every packet (MQTT ${version === 5 ? '5' : '3.1.1'})`, async () => {
      const broker = await startMqBrokerWithConf();
      try {
        await packetScenario(broker, version);
        assert.deepEqual(packetLines(broker.log()), SCENARIO_PACKET_LINES, broker.log());
        // The lines mq broker logged before (-v) are still there.
        assert.match(broker.log(), /^\d+: Client watcher subscribed to 'q\/#' \(QoS 2\)\.$/m);
        assert.match(broker.log(), /^\d+: Received PUBLISH from publisher \(d0, q1, r1, m\d+, 'q\/r', \.\.\. \(4 bytes\)\)$/m);
      } finally {
        await broker.stop();
      }
    });

    test(`mosquitto logs the same packet lines for the same actions (MQTT ${version === 5 ? '5' : '3.1.1'})`,
      { skip: needsMosquittoInstalled("compares with mosquitto's own log") }, async () => {
        const broker = await startMosquitto();
        try {
          await packetScenario(broker, version);
          assert.deepEqual(packetLines(broker.log()), SCENARIO_PACKET_LINES, broker.log());
        } finally {
          await broker.stop();
        }
      });
  }

  test('-v logs no debug line; --log-type picks types: debug alone has no connect lines', async () => {
    const verbose = await startMqBroker(['-v']);
    try {
      assert.equal((await pub(verbose.port, ['-i', 'p', '-q', '2', '-t', 't', '-m', 'x'])).code, 0);
      await waitFor(() => verbose.log().includes('T: Client p disconnected.'), 5000, () => verbose.log());
      assert.deepEqual(packetLines(verbose.log()), []);
      assert.doesNotMatch(verbose.log(), /Received|Sending|\t|will message/i);
    } finally {
      await verbose.stop();
    }

    const debugOnly = await startMqBroker(['--log-type', 'debug']);
    try {
      const watcher = sub(debugOnly.port, ['-i', 'w', '-t', 't', '-C', '1']);
      await waitFor(() => debugOnly.log().includes('T: Sending SUBACK to w\n'), 5000, () => debugOnly.log());
      assert.equal((await pub(debugOnly.port, ['-i', 'p', '-t', 't', '-m', 'x'])).code, 0);
      assert.equal((await watcher.done).code, 0);
      await waitFor(() => debugOnly.log().includes('T: Received DISCONNECT from w\n'), 5000, () => debugOnly.log());
      const log = debugOnly.log();
      assert.ok(log.includes("T: Sending PUBLISH to w (d0, q0, r0, m0, 't', ... (1 bytes))\n"), log);
      assert.ok(log.includes('T: \tt (QoS 0)\n'), log);
      // Not asked for: notice (connects), subscribe (w 0 t and mq's own line).
      assert.doesNotMatch(log, /New connection|New client connected|disconnected\.|subscribed to|^T: w 0 t$/m);
    } finally {
      await debugOnly.stop();
    }
  });
});

describe('mq broker', () => {
  test(`QoS 0/1/2 and wildcards with ${CLIENTS.names}; -v logs connects, subscriptions, disconnects`, async () => {
    const broker = await startMqBroker(['-v']);
    try {
      const watcher = sub(broker.port, ['-i', 'watcher', '-q', '2', '-t', 'q/#', '-t', 'x/+/z', '-F', '%q %r %t %p', '-C', '4']);
      await waitFor(() => broker.log().includes("Client watcher subscribed to 'x/+/z' (QoS 2)."), 5000, () => broker.log());
      for (const [qos, topic, message] of [['0', 'q/0', 'm0'], ['1', 'q/1', 'm1'], ['2', 'q/2', 'm2'], ['1', 'x/y/w', 'no'], ['1', 'x/y/z/deep', 'no'], ['2', 'x/y/z', 'm3']]) {
        assert.equal((await pub(broker.port, ['-i', `pub${topic.replace(/\//g, '')}`, '-q', qos!, '-t', topic!, '-m', message!])).code, 0);
      }
      const result = await watcher.done;
      assert.deepEqual(result, { code: 0, stdout: '0 0 q/0 m0\n1 0 q/1 m1\n2 0 q/2 m2\n2 0 x/y/z m3\n', stderr: '' });
      // A publisher's exit does not wait for the broker to handle its DISCONNECT: wait for every one,
      // so none is still connected (and logged after) when SIGINT comes.
      const ids = ['watcher', 'pubq0', 'pubq1', 'pubq2', 'pubxyw', 'pubxyzdeep', 'pubxyz'];
      await waitFor(() => ids.every((id) => broker.log().includes(`Client ${id} disconnected.`)), 5000, () => broker.log());
      const log = broker.log();
      assert.ok(broker.running.stderr().startsWith(`mq broker listening on mqtt://127.0.0.1:${broker.port} (anonymous on; Ctrl-C stops it)\n`));
      for (const line of [
        'T: New connection from 127.0.0.1:P on port ' + broker.port + '.',
        'T: New client connected from 127.0.0.1:P as watcher (p2, c1, k60).',
        "T: Client watcher subscribed to 'q/#' (QoS 2).",
        "T: Client watcher subscribed to 'x/+/z' (QoS 2).",
        'T: New client connected from 127.0.0.1:P as pubq0 (p2, c1, k60).',
        'T: Client pubq0 disconnected.',
        'T: Client watcher disconnected.',
      ]) assert.ok(log.includes(line + '\n'), `missing log line ${line}\n${log}`);
      const stopped = await broker.stop('SIGINT');
      assert.equal(stopped.code, 0);
      assert.match(stopped.stderr, /: Shutting down \(SIGINT\)\.\n$/);
    } finally {
      await broker.stop('SIGKILL');
    }
  });

  test('retained messages, clearing them, and QoS 1 sessions kept for a disconnected client', async () => {
    const broker = await startMqBroker();
    try {
      assert.equal((await pub(broker.port, ['-t', 'r/t', '-m', 'kept', '-r', '-q', '1'])).code, 0);
      assert.deepEqual(await sub(broker.port, ['-t', 'r/#', '-F', '%r %t %p', '-C', '1', '-W', '5']).done, { code: 0, stdout: '1 r/t kept\n', stderr: '' });
      assert.equal((await pub(broker.port, ['-t', 'r/t', '-r', '-n'])).code, 0);
      assert.deepEqual(await sub(broker.port, ['-t', 'r/#', '-C', '1', '-W', '1']).done, { code: 27, stdout: '', stderr: 'Timed out\n' });

      // A persistent session: subscribe, leave, miss two messages, come back and get them.
      assert.equal((await sub(broker.port, ['-c', '-i', 'sess', '-q', '1', '-t', 's/t', '-E']).done).code, 0);
      assert.equal((await pub(broker.port, ['-t', 's/t', '-m', 'one', '-q', '1'])).code, 0);
      assert.equal((await pub(broker.port, ['-t', 's/t', '-m', 'two', '-q', '2'])).code, 0);
      assert.deepEqual(await sub(broker.port, ['-c', '-i', 'sess', '-q', '1', '-t', 's/t', '-C', '2', '-W', '5']).done, { code: 0, stdout: 'one\ntwo\n', stderr: '' });
      // A clean session gets nothing queued.
      assert.equal((await pub(broker.port, ['-t', 's/t', '-m', 'three', '-q', '1'])).code, 0);
      assert.deepEqual(await sub(broker.port, ['-i', 'sess', '-q', '1', '-t', 's/t', '-C', '1', '-W', '1']).done, { code: 27, stdout: '', stderr: 'Timed out\n' });
    } finally {
      await broker.stop();
    }
  });

  test('a will is published when its client goes away without DISCONNECT', async () => {
    const broker = await startMqBroker(['-v']);
    try {
      const watcher = sub(broker.port, ['-i', 'watcher', '-t', 'will/#', '-v', '-C', '1']);
      await waitFor(() => broker.log().includes("Client watcher subscribed to 'will/#'"), 5000, () => broker.log());
      const doomed = sub(broker.port, ['-i', 'doomed', '-t', 'other', '--will-topic', 'will/doomed', '--will-payload', 'gone', '--will-qos', '1']);
      await waitFor(() => broker.log().includes("Client doomed subscribed to 'other'"), 5000, () => broker.log());
      assert.ok(broker.log().includes("T: Will message specified by doomed (4 bytes) (r0, q1) on 'will/doomed'.\n"), broker.log());
      doomed.child.kill('SIGKILL');
      assert.deepEqual(await watcher.done, { code: 0, stdout: 'will/doomed gone\n', stderr: '' });
      assert.ok(broker.log().includes('T: Client doomed closed its connection.\n'), broker.log());
    } finally {
      await broker.stop();
    }
  });

  test(`password file from ${PASSWD.name}: right password in, wrong ones refused with 5 (v3.1.1) and 135 (v5)`, async () => {
    const dir = tempDir();
    const file = makePasswordFile(dir, [['alice', 'secret'], ['bob', 'hunter2']]);
    const broker = await startMqBroker(['--password-file', file, '-v']);
    try {
      assert.match(broker.running.stderr(), /^mq broker listening on mqtt:\/\/127\.0\.0\.1:\d+ \(2 users from .*passwd, anonymous off; Ctrl-C stops it\)\n/);
      const watcher = sub(broker.port, ['-u', 'alice', '-P', 'secret', '-i', 'w', '-t', 't', '-C', '1']);
      await waitFor(() => broker.log().includes("Client w subscribed to 't'"), 5000, () => broker.log());
      assert.equal((await pub(broker.port, ['-u', 'bob', '-P', 'hunter2', '-t', 't', '-m', 'from bob'])).code, 0);
      assert.deepEqual(await watcher.done, { code: 0, stdout: 'from bob\n', stderr: '' });

      const refused = CLIENTS.refused;
      assert.deepEqual(await pub(broker.port, ['-i', 'p1', '-u', 'alice', '-P', 'wrong', '-t', 't', '-m', 'x']), { code: 5, stdout: '', stderr: refused });
      assert.deepEqual(await pub(broker.port, ['-i', 'p2', '-u', 'mallory', '-P', 'secret', '-t', 't', '-m', 'x']), { code: 5, stdout: '', stderr: refused });
      assert.deepEqual(await pub(broker.port, ['-i', 'p3', '-t', 't', '-m', 'x']), { code: 5, stdout: '', stderr: refused });
      assert.deepEqual(await pub(broker.port, ['-i', 'p4', '-u', 'alice', '-P', 'wrong', '-t', 't', '-m', 'x', '-V', '5']),
        { code: 135, stdout: '', stderr: CLIENTS.refusedV5 });
      // v5 with the right password gets in.
      assert.deepEqual(await pub(broker.port, ['-i', 'p5', '-u', 'alice', '-P', 'secret', '-t', 't', '-m', 'x', '-V', '5']), { code: 0, stdout: '', stderr: '' });
      const log = broker.log();
      for (const line of [
        "Client p1 from 127.0.0.1:P (p2, c1, k60, u'alice') refused, not authorised: wrong password (CONNACK 5).",
        "Client p2 from 127.0.0.1:P (p2, c1, k60, u'mallory') refused, not authorised: unknown user (CONNACK 5).",
        'Client p3 from 127.0.0.1:P (p2, c1, k60) refused, not authorised: no username, and anonymous access is off (CONNACK 5).',
        "Client p4 from 127.0.0.1:P (p5, c1, k60, u'alice') refused, not authorised: wrong password (CONNACK 135).",
        "New client connected from 127.0.0.1:P as p5 (p5, c1, k60, u'alice').",
      ]) assert.ok(log.includes(`T: ${line}\n`), `missing ${line}\n${log}`);
      assert.ok(!/secret|hunter2/.test(broker.running.stderr()), 'no password in the log');
    } finally {
      await broker.stop();
    }
  });

  test('SIGHUP reloads the password file: new users get in, removed users are disconnected', async () => {
    const dir = tempDir();
    const file = makePasswordFile(dir, [['alice', 'secret']]);
    const broker = await startMqBroker(['--password-file', file, '-v']);
    try {
      assert.equal((await pub(broker.port, ['-u', 'carol', '-P', 'pw3', '-t', 't', '-m', 'x'])).code, 5);
      const alice = sub(broker.port, ['-u', 'alice', '-P', 'secret', '-i', 'alice-sub', '-t', 't']);
      await waitFor(() => broker.log().includes("Client alice-sub subscribed to 't'"), 5000, () => broker.log());

      assert.equal(passwd(['-b', file, 'carol', 'pw3']), 0);
      assert.equal(passwd(['-D', file, 'alice']), 0);
      broker.running.child.kill('SIGHUP');
      await waitFor(() => broker.running.stderr().includes('Reloaded '), 5000, () => broker.log());
      assert.ok(broker.running.stderr().includes(`Reloaded ${file}: 1 user; disconnected 1 client it no longer lets in.\n`), broker.log());
      assert.ok(broker.log().includes('T: Client alice-sub disconnected, not authorised: unknown user after the password file was reloaded.\n'), broker.log());
      // The subscriber reconnects, is refused, and gives up with the refusal's code.
      const aliceResult = await alice.done;
      assert.equal(aliceResult.code, 5);
      assert.equal((await pub(broker.port, ['-u', 'carol', '-P', 'pw3', '-t', 't', '-m', 'x'])).code, 0);

      // A broken file on reload keeps the users in force.
      writeFileSync(file, '');
      spawnSyncOk('chmod', ['000', file]);
      const before = broker.running.stderr().length;
      broker.running.child.kill('SIGHUP');
      await waitFor(() => broker.running.stderr().slice(before).includes('Reloaded ') || broker.running.stderr().slice(before).includes('Could not reload'), 5000, () => broker.log());
      // As root chmod 000 still reads: then the file is empty and nobody may log in; otherwise the old users stay.
      const reloadLine = broker.running.stderr().slice(before);
      if (reloadLine.includes('Could not reload')) {
        assert.equal((await pub(broker.port, ['-u', 'carol', '-P', 'pw3', '-t', 't', '-m', 'x'])).code, 0);
      } else {
        assert.ok(reloadLine.includes(`Reloaded ${file}: 0 users.`), reloadLine);
        assert.equal((await pub(broker.port, ['-u', 'carol', '-P', 'pw3', '-t', 't', '-m', 'x'])).code, 5);
      }
      const stopped = await broker.stop();
      assert.equal(stopped.code, 0);
    } finally {
      await broker.stop();
    }
  });

  test('TLS listener with a CA made by openssl; --cafile requires client certificates', async () => {
    const tls: TlsMaterial = makeTlsMaterial();
    const tlsPort = await freePort();
    const broker = await startMqBroker(['--cert', tls.certFile, '--key', tls.keyFile, '--tls-port', String(tlsPort), '-v']);
    try {
      assert.match(broker.running.stderr(), new RegExp(`listening on mqtt://127\\.0\\.0\\.1:${broker.port}, mqtts://127\\.0\\.0\\.1:${tlsPort} `));
      const secure = ['-p', String(tlsPort), '--cafile', tls.caFile];
      const watcher = spawnClient(CLIENTS.sub, ['-h', '127.0.0.1', ...secure, '-i', 'tls-watcher', '-t', 'tls/#', '-v', '-C', '2']);
      await waitFor(() => broker.log().includes("Client tls-watcher subscribed to 'tls/#'"), 5000, () => broker.log());
      assert.ok(broker.log().includes(`T: New connection from 127.0.0.1:P on port ${tlsPort} (mqtts).\n`), broker.log());
      assert.equal((await run(CLIENTS.pub, ['-h', '127.0.0.1', ...secure, '-t', 'tls/a', '-m', 'over tls'])).code, 0);
      assert.equal((await pub(broker.port, ['-t', 'tls/b', '-m', 'plain to tls'])).code, 0);
      assert.deepEqual(await watcher.done, { code: 0, stdout: 'tls/a over tls\ntls/b plain to tls\n', stderr: '' });
      // A client that does not trust our CA fails the handshake.
      const untrusted = await run(CLIENTS.pub, ['-h', '127.0.0.1', '-p', String(tlsPort), '--cafile', tls.certFile.replace('server.crt', 'client.crt'), '-t', 't', '-m', 'x']);
      assert.notEqual(untrusted.code, 0);
    } finally {
      await broker.stop();
    }

    const mutualPort = await freePort();
    const mutual = await startMqBroker(['--cert', tls.certFile, '--key', tls.keyFile, '--cafile', tls.caFile, '--tls-port', String(mutualPort)]);
    try {
      const base = ['-h', '127.0.0.1', '-p', String(mutualPort), '--cafile', tls.caFile, '-t', 't', '-m', 'x'];
      assert.notEqual((await run(CLIENTS.pub, base)).code, 0);
      assert.deepEqual(await run(CLIENTS.pub, [...base, '--cert', tls.clientCertFile, '--key', tls.clientKeyFile]), { code: 0, stdout: '', stderr: '' });
    } finally {
      await mutual.stop();
    }
  });

  test(`WebSocket listener: mq sub -L ws:// and mq pub -L ws:// talk to ${CLIENTS.names} over TCP`, async () => {
    const wsPort = await freePort();
    const broker = await startMqBroker(['--ws-port', String(wsPort), '-v']);
    try {
      assert.ok(broker.running.stderr().startsWith(`mq broker listening on mqtt://127.0.0.1:${broker.port}, ws://127.0.0.1:${wsPort} (anonymous on; Ctrl-C stops it)\n`));
      const mqSub = spawnMq(['sub', '-L', `ws://127.0.0.1:${wsPort}/ws/in`, '-q', '1', '-C', '1', '-v'], { timeoutMs: 15_000 });
      children.add(mqSub.child);
      await waitFor(() => broker.log().includes("subscribed to 'ws/in' (QoS 1)."), 5000, () => broker.log());
      assert.match(broker.log(), /T: New connection from 127\.0\.0\.1:P on port \d+ \(ws\)\.\n/);
      assert.equal((await pub(broker.port, ['-t', 'ws/in', '-m', 'tcp to ws', '-q', '1'])).code, 0);
      const received = await mqSub.done;
      assert.deepEqual([received.code, received.stdout], [0, 'ws/in tcp to ws\n']);

      const watcher = sub(broker.port, ['-i', 'tcp-watcher', '-t', 'ws/out', '-C', '1']);
      await waitFor(() => broker.log().includes("Client tcp-watcher subscribed to 'ws/out'"), 5000, () => broker.log());
      const sent = await runMq(['pub', '-L', `ws://127.0.0.1:${wsPort}/ws/out`, '-m', 'ws to tcp', '-q', '2']);
      assert.deepEqual([sent.code, sent.stderr], [0, '']);
      assert.deepEqual(await watcher.done, { code: 0, stdout: 'ws to tcp\n', stderr: '' });

      // Plain HTTP on the WebSocket port says what the port is.
      const response = await fetch(`http://127.0.0.1:${wsPort}/`);
      assert.equal(response.status, 426);
      assert.match(await response.text(), /^This is an MQTT over WebSocket listener/);
    } finally {
      await broker.stop();
    }
  });

  test('users made by mq passwd ($6$, $7$, argon2id) log in with mq pub/sub; wrong passwords exit 5', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'users');
    for (const [i, [algorithm, user, password]] of [['sha512', 'six', 'pw6'], ['sha512-pbkdf2', 'seven', 'pw7'], ['argon2id', 'argon', 'pwa']].entries()) {
      const made = await runMq(['passwd', ...(i === 0 ? ['-c'] : []), '-H', algorithm!, '-b', file, user!, password!]);
      assert.equal(made.code, 0, made.stderr);
    }
    const broker = await startMqBroker(['--password-file', file, '-v']);
    try {
      assert.ok(broker.running.stderr().includes(`(3 users from ${file}, anonymous off; Ctrl-C stops it)`), broker.running.stderr());
      const mqSub = spawnMq(['sub', '-p', String(broker.port), '-u', 'argon', '-P', 'pwa', '-i', 'argon-sub', '-t', 'auth/#', '-C', '2', '-v'], { timeoutMs: 15_000 });
      children.add(mqSub.child);
      await waitFor(() => broker.log().includes("Client argon-sub subscribed to 'auth/#'"), 5000, () => broker.log());
      assert.equal((await runMq(['pub', '-p', String(broker.port), '-u', 'six', '-P', 'pw6', '-t', 'auth/6', '-m', 'sha512'])).code, 0);
      assert.equal((await runMq(['pub', '-p', String(broker.port), '-u', 'seven', '-P', 'pw7', '-t', 'auth/7', '-m', 'pbkdf2', '-q', '1'])).code, 0);
      const received = await mqSub.done;
      assert.deepEqual([received.code, received.stdout], [0, 'auth/6 sha512\nauth/7 pbkdf2\n']);

      for (const args of [['-u', 'seven', '-P', 'pw6'], ['-u', 'argon', '-P', 'PWA'], ['-u', 'nobody', '-P', 'pw7'], []]) {
        const refused = await runMq(['pub', '-p', String(broker.port), ...args, '-t', 'auth/x', '-m', 'x']);
        assert.equal(refused.code, 5, `${args.join(' ')}: ${refused.stderr}`);
        assert.match(refused.stderr, /not authori[sz]ed/i);
      }
      // mosquitto_pub (where installed) agrees on the argon2id user (mosquitto 2.0 itself cannot read argon2id; mq broker can).
      assert.equal((await pub(broker.port, ['-u', 'argon', '-P', 'pwa', '-t', 'auth/x', '-m', 'x'])).code, 0);
    } finally {
      await broker.stop();
    }
  });

  test('a port in use is one clear line and exit 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const result = await runMq(['broker', '-p', String(port)]);
      assert.deepEqual([result.code, result.stdout, result.stderr], [1, '',
        `Error: Port ${port} is already in use (mqtt://127.0.0.1:${port}, -p): stop whatever listens there (another broker?) or choose a free port.\n`]);
      // The TCP listener started first and must not be left behind when the WebSocket one fails.
      const free = await freePort();
      const second = await runMq(['broker', '-p', String(free), '--ws-port', String(port)]);
      assert.equal(second.code, 1);
      assert.equal(second.stderr, `Error: Port ${port} is already in use (ws://127.0.0.1:${port}, --ws-port): stop whatever listens there (another broker?) or choose a free port.\n`);
    } finally {
      blocker.close();
    }
  });

  test('bad setups are one line: missing password file, unreadable certificate, bad flags', async () => {
    const dir = tempDir();
    const cases: [string[], string][] = [
      [['broker', '--password-file', 'nope.txt'], `Error: Unable to open password file ${path.join(dir, 'nope.txt')}. No such file or directory. Create it with: mq passwd -c ${path.join(dir, 'nope.txt')} USERNAME\n`],
      [['broker', '--cert', 'c.pem', '--key', 'k.pem', '-p', '0', '--tls-port', '0'], `Error: Cannot read the certificate ${path.join(dir, 'c.pem')}: No such file or directory.\n`],
      [['broker', '--cert', 'c.pem'], 'Error: --cert needs --key: give both the server certificate and its private key.\n'],
      [['broker', '-p', 'http'], 'Error: Invalid port "http" in -p: use a number from 1 to 65535 (0 picks a free port).\n'],
    ];
    for (const [args, stderr] of cases) {
      const result = await runMq(args, { cwd: dir });
      assert.deepEqual([result.code, result.stdout, result.stderr], [1, '', stderr], args.join(' '));
    }
  });

  test('--host 0.0.0.0 with anonymous access warns; --help says what is kept in memory', async () => {
    const broker = await startMqBroker(['--host', '0.0.0.0']);
    try {
      assert.ok(broker.running.stderr().startsWith('Warning: Listening on 0.0.0.0 with anonymous access on: anyone who can reach this machine can publish and subscribe. ' +
        'Add users with mq passwd -c FILE USER and start with --password-file FILE.\n'), broker.running.stderr());
      assert.equal((await pub(broker.port, ['-t', 't', '-m', 'x'])).code, 0);
    } finally {
      await broker.stop();
    }
    const help = await runMq(['broker', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Retained messages and QoS 1\/2 sessions\nare kept in memory only: they are lost when the broker stops\./);
  });

  test('-c reads a mosquitto.conf that mosquitto itself accepts', async (t) => {
    const dir = tempDir();
    const file = makePasswordFile(dir, [['alice', 'secret']]);
    const port = await freePort();
    const conf = path.join(dir, 'mosquitto.conf');
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${file}`, 'user root', ''].join('\n'));

    const mq = spawnMq(['broker', '-c', conf], { timeoutMs: 30_000 });
    children.add(mq.child);
    try {
      await waitForOutput(mq, 'mq broker listening on', 10_000);
      assert.equal(mq.stderr(), `Warning: ${conf}: mq broker ignores user (line 4).\nmq broker listening on mqtt://127.0.0.1:${port} (1 user from ${file}, anonymous off; Ctrl-C stops it)\n`);
      assert.equal((await pub(port, ['-u', 'alice', '-P', 'secret', '-t', 't', '-m', 'x'])).code, 0);
      assert.equal((await pub(port, ['-u', 'alice', '-P', 'nope', '-t', 't', '-m', 'x'])).code, 5);
      assert.equal((await pub(port, ['-t', 't', '-m', 'x'])).code, 5);
    } finally {
      mq.child.kill('SIGTERM');
      assert.equal((await mq.done).code, 0);
    }

    await t.test('the same file with mosquitto: the same answers', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
      const mosquitto = spawnClient(MOSQUITTO, ['-c', conf]);
      try {
        let ok = false;
        for (let i = 0; i < 100 && !ok; i++) {
          ok = (await pub(port, ['-u', 'alice', '-P', 'secret', '-t', 't', '-m', 'x'])).code === 0;
          if (!ok) await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(ok, 'mosquitto accepted alice');
        assert.equal((await pub(port, ['-u', 'alice', '-P', 'nope', '-t', 't', '-m', 'x'])).code, 5);
        assert.equal((await pub(port, ['-t', 't', '-m', 'x'])).code, 5);
      } finally {
        mosquitto.child.kill('SIGTERM');
        await mosquitto.done;
      }
    });
  });
});
