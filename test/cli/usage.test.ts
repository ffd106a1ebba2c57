/**
 * argv -> usage or configuration error -> exit code, run in-process (runCli with a fake Io): each
 * case is refused before anything connects, with one exact line on stderr and nothing on stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from './helpers.ts';

const cases: [argv: string[], code: number, stderr: string][] = [
  [['pub', '-t', 'a/#', '-m', 'x'], 1, "Error: Invalid publish topic 'a/#' (-t): it contains '+' or '#', which are only allowed in subscriptions.\n"],
  [['pub', '-m', 'x'], 1, 'Error: No topic given: use -t TOPIC (or a URL with a topic, -L mqtt://host/TOPIC).\n'],
  [['pub', '-t', 't'], 1, 'Error: No message given: use -m TEXT, -f FILE, -s (all of stdin), -l (one message per stdin line), -n (an empty message) or --replay FILE (a recording).\n'],
  [['pub', '-t', 't', '-m', 'x', '-q', '3'], 1, 'Error: Invalid QoS "3" (-q): use 0, 1 or 2.\n'],
  [['pub', '-t', 't', '-m', 'x', '-k', '2'], 1, 'Error: Invalid keepalive "2" in -k: it must be a whole number from 5 to 65535.\n'],
  [['pub', '-t', 't', '-m', 'x', '-V', '6'], 1, 'Error: Invalid protocol version "6" in -V: use 31, 311 or 5 (or mqttv31, mqttv311, mqttv5).\n'],
  [['pub', '-t', 't', '-m', 'x', '--cert', 'c.pem'], 1, 'Error: --cert was given without --key: both the certificate and its key are needed.\n'],
  [['pub', '-t', 't', '-m', 'x', '-i', 'a', '-I', 'b'], 1, 'Error: -i and -I cannot be used together.\n'],
  [['pub', '-t', 't', '-m', 'x', '-c'], 1, 'Error: You must provide a client id (-i) if you are using the -c option.\n'],
  [['pub', '-t', 't', '-m', 'x', '--will-payload', 'bye'], 1, 'Error: Will payload given, but no will topic given (--will-topic).\n'],
  [['pub', '--nonsense'], 1, 'Error: Unknown option: --nonsense. See mq --help.\n'],
  [['sub'], 1, "Error: No topic to subscribe to: give one or more -t TOPIC, e.g. mq sub -t 'sensors/#' -v.\n"],
  [['sub', '-t', 'a/#/b'], 1, "Error: Invalid subscription topic 'a/#/b' (-t): '#' must be a whole level and the last one (e.g. a/#).\n"],
  [['sub', '-t', 't', '-C', '0'], 1, 'Error: Invalid message count "0" (-C): it must be a whole number, at least 1.\n'],
  [['rr', '-t', 'req'], 1, 'Error: No request message given: use -m TEXT, -f FILE, -s (all of stdin) or -n (an empty message).\n'],
  [['frobnicate'], 1, 'Error: Unknown command: frobnicate. See mq --help.\n'],
  [['passwd'], 1, 'Error: Give the password file and the username. See mq passwd --help.\n'],
  [['bench', 'pub', '--rate', '0'], 1, 'Error: --rate 0 is impossible: give messages per second over all publishers, e.g. --rate 5000.\n'],
  [['broker', '--max-packet-size', '10'], 1, 'Error: Invalid value "10" for --max-packet-size: give a size in bytes, at least 20 (0 = no limit).\n'],
  [['broker', '--max-inflight-messages', '-1'], 1, 'Error: Invalid value "-1" for --max-inflight-messages: give a number from 0 (no limit) to 65535.\n'],
];

for (const [argv, code, stderr] of cases) {
  test(`mq ${argv.join(' ')} -> exit ${code}`, async () => {
    // MQ_HOST points at nothing that listens: a case that got as far as connecting would fail differently.
    const result = await runInProcess(argv, { env: { MQ_HOST: '127.0.0.1', MQ_PORT: '9' } });
    assert.deepEqual(result, { code, stdout: '', stderr });
  });
}

test('environment and rc file errors are configuration errors, exit 1', async () => {
  assert.deepEqual(await runInProcess(['pub', '-t', 't', '-m', 'x'], { env: { MQ_PORT: 'eighty' } }),
    { code: 1, stdout: '', stderr: 'Error: Invalid port "eighty" in MQ_PORT: it must be a whole number from 1 to 65535.\n' });
  const rc = await runInProcess(['config'], { files: { '.mqrc.json': '{"hots":"x"}' } });
  assert.equal(rc.code, 1);
  assert.match(rc.stderr, /^Error: .*\.mqrc\.json: unknown key "hots" in the top level; did you mean "host"\?/);
});
