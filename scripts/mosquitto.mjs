// Starting brokers on this machine, for the end-to-end tests (test/e2e/helpers/broker.ts) and the
// benchmarks (bench/lib.mjs): where mosquitto is installed, a free port, waiting for a condition or
// for a port to open, and a mosquitto process started from a config file and its log. Plain
// JavaScript, so that bench/ runs it without tsx.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Where Debian (and most distributions) install mosquitto's broker. */
export const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'];

/** mosquitto's broker binary, or undefined when it is not installed. */
export function findMosquitto() {
  return MOSQUITTO_PATHS.find((file) => existsSync(file));
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Until condition() is true, checking every everyMs; throws Error(message) after timeoutMs.
 * @param {() => boolean} condition
 * @param {number} timeoutMs
 * @param {string | (() => string)} message what the error says (a function: built only when needed)
 * @param {number} [everyMs]
 */
export async function waitFor(condition, timeoutMs, message, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(typeof message === 'function' ? message() : message);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Until 127.0.0.1:port accepts a connection; throws after timeoutMs. */
export async function waitForPort(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const accepted = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * mosquitto started with `-c configFile` (whose log_dest is stderr), once it accepts connections on
 * every one of ports. log() is what it logged so far; stop() ends it with SIGTERM (so it writes its persistence)
 * and waits for it to exit.
 * @param {{ binary: string, configFile: string, ports: number[], timeoutMs?: number }} options
 */
export async function launchMosquitto({ binary, configFile, ports, timeoutMs = 5000 }) {
  let log = '';
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  try {
    // The ports, not the log: a config may log too little to say it listens.
    for (const port of ports) await waitForPort(port, timeoutMs).catch((error) => { throw new Error(`mosquitto did not start (${error.message}):\n${log}`); });
    // A port taken by someone else would answer too: mosquitto must still be running.
    await new Promise((r) => setTimeout(r, 20));
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}):\n${log}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, log: () => log, stop };
}
