import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchMosquitto, MOSQUITTO_PATHS, waitFor, waitForPort } from '../../../scripts/mosquitto.mjs';

export { freePort, waitFor };

/**
 * MQ_TEST_WITHOUT_MOSQUITTO=1: run as on a machine without mosquitto, although it is installed here.
 * The helpers report neither its broker nor its clients, and commands named mosquitto* resolve to
 * stand-ins that fail (exit 127), so a test that calls one without a skip reason fails loudly.
 */
export const WITHOUT_MOSQUITTO = process.env.MQ_TEST_WITHOUT_MOSQUITTO === '1';

const installed = (file: string) => !WITHOUT_MOSQUITTO && spawnSync('test', ['-x', file]).status === 0;
const onPath = (name: string) => !WITHOUT_MOSQUITTO && spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

if (WITHOUT_MOSQUITTO) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-no-mosquitto-'));
  for (const name of ['mosquitto', 'mosquitto_pub', 'mosquitto_sub', 'mosquitto_rr', 'mosquitto_passwd']) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name}: not installed (MQ_TEST_WITHOUT_MOSQUITTO=1)" >&2\nexit 127\n`, { mode: 0o755 });
  }
  process.env.PATH = `${dir}:${process.env.PATH}`;
}

/** mosquitto's broker binary, when it is installed. */
export const MOSQUITTO_BROKER = MOSQUITTO_PATHS.find(installed);
export const MOSQUITTO = MOSQUITTO_BROKER ?? 'mosquitto';

/**
 * Which broker the end-to-end tests run against: mosquitto where it is installed, else `mq broker`.
 * MQ_TEST_BROKER=mq forces mq broker (and =mosquitto forces mosquitto, failing where it is missing).
 */
export const BROKER_KIND: 'mosquitto' | 'mq' =
  process.env.MQ_TEST_BROKER === 'mq' ? 'mq'
  : process.env.MQ_TEST_BROKER === 'mosquitto' ? 'mosquitto'
  : MOSQUITTO_BROKER ? 'mosquitto' : 'mq';

/**
 * Every skip reason about mosquitto starts with this, so scripts/test.mjs can count them and say
 * what to install. (No "#" in reasons: TAP would escape it.)
 */
export const SKIP_PREFIX = 'needs mosquitto:';

/** Skip reason for a test that compares with mosquitto's own clients (false when they are here). */
export const needsMosquittoClients: string | false =
  onPath('mosquitto_pub') && onPath('mosquitto_sub') && onPath('mosquitto_rr') ? false
  : `${SKIP_PREFIX} compares with mosquitto_pub, mosquitto_sub or mosquitto_rr (package mosquitto-clients), not installed`;

/** Skip reason for a test that compares with mosquitto_passwd (package mosquitto; false when it is here). */
export const needsMosquittoPasswd: string | false =
  onPath('mosquitto_passwd') ? false : `${SKIP_PREFIX} compares with mosquitto_passwd (package mosquitto), not installed`;

/**
 * Skip reason for a test that needs the mosquitto broker itself (its ACLs, persistence across
 * restarts, log lines only mosquitto writes): false when the tests run against mosquitto.
 */
export function needsMosquittoBroker(what: string): string | false {
  if (BROKER_KIND === 'mosquitto') return false;
  return `${SKIP_PREFIX} ${what}; ${MOSQUITTO_BROKER ? 'MQ_TEST_BROKER=mq runs the tests against mq broker' : 'the broker (package mosquitto) is not installed'}`;
}

/**
 * Skip reason for a test that starts mosquitto next to mq broker to compare the two: it runs
 * wherever mosquitto is installed, MQ_TEST_BROKER=mq or not.
 */
export function needsMosquittoInstalled(what: string): string | false {
  return MOSQUITTO_BROKER ? false : `${SKIP_PREFIX} ${what}; the broker (package mosquitto) is not installed`;
}

export interface TlsMaterial {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A client certificate signed by the same CA. */
  clientCertFile: string;
  clientKeyFile: string;
}

/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl in a temp folder. */
export function makeTlsMaterial(): TlsMaterial {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-tls-'));
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=mq test CA']);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=mq test client']);
  run(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2']);
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
    clientCertFile: path.join(dir, 'client.crt'),
    clientKeyFile: path.join(dir, 'client.key'),
  };
}

export interface BrokerOptions {
  /** Path of a mosquitto password file; anonymous access is then off unless allowAnonymous. */
  passwordFile?: string;
  allowAnonymous?: boolean;
  /** Add a TLS listener on another free port, with certificates from makeTlsMaterial() (or these). */
  tls?: boolean | TlsMaterial;
  /** Keep sessions and retained messages across restart(), saved on every change. */
  persistence?: boolean;
  /** Extra mosquitto.conf lines (per_listener_settings false context). */
  extraConfig?: string;
  /** mosquitto log_type lines (default: all). Tests that move 100 000s of messages log less to keep the broker fast. */
  logTypes?: string[];
  /** More `mq broker` flags (mq broker only), e.g. ['--connect-timeout', '1']. */
  mqArgs?: string[];
  /** Node flags for the `mq broker` process (mq broker only), e.g. ['--heapsnapshot-signal=SIGUSR2']. */
  nodeArgs?: string[];
}

export interface Broker {
  host: '127.0.0.1';
  port: number;
  tlsPort?: number;
  tls?: TlsMaterial;
  dir: string;
  configFile: string;
  /** Everything mosquitto logged (it logs to stderr with -v). */
  log(): string;
  stop(): Promise<void>;
  /** Stop cleanly (SIGTERM, so persistence is written) and start again on the same ports. */
  restart(): Promise<void>;
  /** SIGHUP: reload the password file and config. */
  reload(): Promise<void>;
  /** The broker process's id (it changes with restart()). */
  pid(): number;
}

/** The broker the tests run against (BROKER_KIND) on a free 127.0.0.1 port. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  return BROKER_KIND === 'mosquitto' ? startMosquitto(options) : startMqBroker(options);
}

/** fn run against a mosquitto of its own, started for it and stopped after, for comparisons with mq broker. */
export async function withMosquitto<T>(fn: (reference: Broker) => Promise<T>, options: BrokerOptions = {}): Promise<T> {
  const reference = await startMosquitto(options);
  try {
    return await fn(reference);
  } finally {
    await reference.stop();
  }
}

/** A real mosquitto on a free 127.0.0.1 port with a generated config in a temp folder. */
export async function startMosquitto(options: BrokerOptions = {}): Promise<Broker> {
  if (!MOSQUITTO_BROKER) throw new Error('mosquitto is not installed (apt-get install mosquitto), and MQ_TEST_BROKER=mosquitto asks for it');
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-broker-'));
  const port = await freePort();
  const tls = options.tls === true ? makeTlsMaterial() : options.tls || undefined;
  const tlsPort = tls ? await freePort() : undefined;
  const lines = [
    'per_listener_settings false',
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.allowAnonymous ?? !options.passwordFile}`,
    'max_queued_messages 0',
    'log_dest stderr',
    ...(options.logTypes ?? ['all']).map((type) => `log_type ${type}`),
  ];
  // As root, mosquitto would switch to the "mosquitto" user, who cannot read our 0700 temp folders.
  if (process.getuid?.() === 0) lines.push('user root');
  if (options.passwordFile) lines.push(`password_file ${options.passwordFile}`);
  if (options.persistence) {
    lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 1', 'autosave_on_changes true');
  }
  if (tls && tlsPort) {
    lines.push(`listener ${tlsPort} 127.0.0.1`, `cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`);
  }
  if (options.extraConfig) lines.push(options.extraConfig);
  const configFile = path.join(dir, 'mosquitto.conf');
  writeFileSync(configFile, lines.join('\n') + '\n');

  // One log across restarts: tests count lines from an offset taken before restart().
  let earlier = '';
  let running: Awaited<ReturnType<typeof launchMosquitto>> | undefined;
  const launch = async () => {
    running = await launchMosquitto({ binary: MOSQUITTO, configFile, ports: tlsPort ? [port, tlsPort] : [port] });
  };
  const log = () => earlier + (running?.log() ?? '');
  const stop = async () => {
    if (!running) return;
    await running.stop();
    earlier += running.log();
    running = undefined;
  };
  await launch();
  return {
    host: '127.0.0.1',
    port,
    ...(tlsPort ? { tlsPort } : {}),
    ...(tls ? { tls } : {}),
    dir,
    configFile,
    log,
    pid: () => running!.child.pid!,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async reload() {
      const before = log().length;
      running!.child.kill('SIGHUP');
      await waitFor(() => log().slice(before).includes('Reloading config'), 5000, () => 'mosquitto did not reload');
    },
  };
}

/**
 * `mq broker` (the built bin/mq.js) on a free 127.0.0.1 port, configured through the same
 * mosquitto.conf subset: listeners, allow_anonymous, password_file, TLS files and log types.
 * It keeps sessions and retained messages in memory only, so restart() starts it empty.
 */
export async function startMqBroker(options: BrokerOptions = {}): Promise<Broker> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-broker-'));
  const port = await freePort();
  const tls = options.tls === true ? makeTlsMaterial() : options.tls || undefined;
  const tlsPort = tls ? await freePort() : undefined;
  const lines = [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.allowAnonymous ?? !options.passwordFile}`,
    ...(options.logTypes ?? ['all']).map((type) => `log_type ${type}`),
  ];
  if (options.passwordFile) lines.push(`password_file ${options.passwordFile}`);
  if (tls && tlsPort) {
    lines.push(`listener ${tlsPort} 127.0.0.1`, `cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`);
  }
  if (options.extraConfig) lines.push(options.extraConfig);
  const configFile = path.join(dir, 'mosquitto.conf');
  writeFileSync(configFile, lines.join('\n') + '\n');

  // One log across restarts, as mosquitto's: tests count lines from an offset taken before restart().
  let log = '';
  let child: ChildProcess;
  const launch = async () => {
    const from = log.length;
    const mq = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/mq.js');
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), mq, 'broker', '-c', configFile, ...(options.mqArgs ?? [])], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.config'), NO_COLOR: '1', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => { log += chunk; });
    await waitFor(() => log.slice(from).includes('mq broker listening on') || child.exitCode !== null, 10_000, () => `mq broker did not start:\n${log}`);
    if (child.exitCode !== null) throw new Error(`mq broker exited (${child.exitCode}):\n${log}`);
    await waitForPort(port).catch((error: Error) => { throw new Error(`${error.message}; mq broker log:\n${log}`); });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    host: '127.0.0.1',
    port,
    ...(tlsPort ? { tlsPort } : {}),
    ...(tls ? { tls } : {}),
    dir,
    configFile,
    log: () => log,
    pid: () => child.pid!,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async reload() {
      const before = log.length;
      child.kill('SIGHUP');
      await waitFor(() => /Reloaded |Could not reload|SIGHUP/.test(log.slice(before)), 5000, () => 'mq broker did not reload');
    },
  };
}
