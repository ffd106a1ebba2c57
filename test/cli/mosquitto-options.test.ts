/**
 * Every option mosquitto's clients parse (test/fixtures/mosquitto-options.txt, read from
 * mosquitto's develop branch) is known to mq pub, sub and rr: implemented, or refused by name with
 * the reason. A new option upstream goes into the list; this test then fails until mq has it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/commands/registry.ts';
import { loadCommandSpec, type CommandSpec } from '../../src/completion/spec.ts';
import { MqError } from '../../src/errors.ts';
import { runInProcess } from './helpers.ts';

type Client = 'pub' | 'sub' | 'rr';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mosquitto-options.txt');
const OPTIONS: { names: string[]; clients: Client[] }[] = readFileSync(fixture, 'utf8').split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const words = line.trim().split(/\s+/);
    return { names: words.slice(0, -1), clients: words[words.length - 1]!.split(',') as Client[] };
  });

/** Options mq knows by name only to refuse them: the value to give, and the refusal. */
const REFUSED: Record<string, { value: string; message: RegExp }> = {
  '--tls-engine': { value: 'pkcs11', message: /^Error: --tls-engine is not supported: Node's TLS has no OpenSSL engine support; use --key with a PEM file\.\n$/ },
  '--tls-engine-kpass-sha1': { value: 'a'.repeat(40), message: /^Error: --tls-engine-kpass-sha1 is not supported: .*no OpenSSL engine support; use --key with a PEM file\.\n$/ },
};

/** What each command needs to get as far as resolving its connection. */
const BASE: Record<Client, string[]> = { pub: ['-t', 't', '-m', 'x'], sub: ['-t', 't'], rr: ['-t', 't', '-m', 'x'] };

test('the list is mosquitto 2.1\'s: 70 options, among them the 2.1 additions', () => {
  assert.equal(OPTIONS.length, 70);
  const all = OPTIONS.flatMap((o) => o.names);
  for (const name of ['--psk', '--psk-identity', '--tls-keylog', '--no-tls', '-S', '-w', '--ws', '-o', '--tls-engine', '--keyform']) assert.ok(all.includes(name), name);
});

test('mq pub, sub and rr know every one of them', async () => {
  const spec = await loadCommandSpec(COMMANDS);
  const flagsOf = (client: Client) => [...spec.flags, ...spec.subcommands.find((c: CommandSpec) => c.path[0] === client)!.flags];
  const missing: string[] = [];
  for (const { names, clients } of OPTIONS) {
    for (const client of clients) {
      const flags = flagsOf(client);
      for (const name of names) {
        const flag = flags.find((f) => f.names.includes(name));
        const refused = REFUSED[name];
        const value = refused ? [refused.value] : flag && flag.value.kind !== 'none' ? ['1'] : [];
        // Stop at the connection: what matters is that the parser took the option. A refused one
        // is given what the command needs besides, and refused while the settings are resolved.
        const result = refused
          ? await runInProcess([client, ...BASE[client], name, ...value], { env: { MQ_HOST: '127.0.0.1', MQ_PORT: '9' } })
          : await runInProcess([client, name, ...value], {
            env: { MQ_HOST: '127.0.0.1', MQ_PORT: '9' },
            seams: { connect: async () => { throw new MqError('reached the connection'); } },
          });
        if (/Unknown (option|argument)/.test(result.stderr)) missing.push(`mq ${client} ${name}: ${result.stderr.trim()}`);
        if (refused) assert.match(result.stderr, refused.message, `mq ${client} ${name}`);
        if (refused) assert.equal(result.code, 1);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('--keyform: pem is the only form (with --key); engine is refused by name', async () => {
  const run = (argv: string[]) => runInProcess(argv, { env: { MQ_HOST: '127.0.0.1', MQ_PORT: '9' } });
  assert.deepEqual(await run(['pub', '-t', 't', '-m', 'x', '--keyform', 'engine', '--key', 'k.pem', '--cert', 'c.pem']), {
    code: 1, stdout: '', stderr: "Error: --keyform engine is not supported: Node's TLS has no OpenSSL engine support; use --key with a PEM file.\n",
  });
  assert.deepEqual(await run(['sub', '-t', 't', '--keyform', 'der']), {
    code: 1, stdout: '', stderr: "Error: Invalid --keyform \"der\": use pem (engine is not supported: Node's TLS has no OpenSSL engine support; use --key with a PEM file).\n",
  });
  assert.deepEqual(await run(['rr', '-t', 't', '-m', 'x', '--keyform', 'pem']), {
    code: 1, stdout: '', stderr: 'Error: --keyform was given without --key: it says the format of the key file.\n',
  });
});
