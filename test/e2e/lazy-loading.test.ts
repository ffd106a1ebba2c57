import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './helpers/broker.ts';
import { MQ, ROOT, tempDir, testEnv } from './helpers/run.ts';

/** The dist files whose code ran during `mq ...args` (from a CPU profile of the run). */
function filesThatRan(args: string[]): Set<string> {
  const dir = tempDir('mq-prof-');
  spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, MQ, ...args], { env: testEnv(), cwd: tempDir(), input: '' });
  const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8')) as { nodes: { callFrame: { url: string } }[] };
  return new Set(profile.nodes.map((n) => n.callFrame.url).filter((url) => url.includes('/dist/')).map((url) => path.basename(url)));
}

const distDir = path.join(ROOT, 'dist');
const mqttChunk = readdirSync(distDir).find((f) => f.endsWith('.js') && /class MqttClient\b|MqttClient=class\b/.test(readFileSync(path.join(distDir, f), 'utf8')));

test('mq --help, mq pub --help and mq passwd never load MQTT.js; mq pub does', async () => {
  assert.ok(mqttChunk, 'the bundle has a chunk holding MQTT.js');
  for (const args of [['--help'], ['pub', '--help'], ['passwd', '-c', '-b', path.join(tempDir(), 'pw'), 'u', 'p']]) {
    assert.ok(!filesThatRan(args).has(mqttChunk), `mq ${args.join(' ')} loaded MQTT.js`);
  }
  // The control: a network command does load it, so the check above can fail.
  assert.ok(filesThatRan(['pub', '-p', String(await freePort()), '-t', 't', '-m', 'x']).has(mqttChunk));
});
