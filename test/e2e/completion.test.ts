/**
 * Drive the generated completion scripts in real shells: bash (its completion function with
 * COMP_WORDS/COMP_CWORD set), zsh (the completion system in a pseudo-terminal, with compadd
 * recording what it is given) and fish (`complete -C`). A shell that is not installed is skipped.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MQ, ROOT, runMq, tempDir } from './helpers/run.ts';
import { COMMANDS } from '../../src/commands/registry.ts';
import { loadCommandSpec, allCommands, type CommandSpec } from '../../src/completion/spec.ts';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
const SCRIPTS = { bash: path.join(ROOT, 'completions/mq.bash'), zsh: path.join(ROOT, 'completions/mq.zsh'), fish: path.join(ROOT, 'completions/mq.fish') };

// A folder to complete in: an rc file with profiles, another one for --config, files and a folder.
const work = tempDir('mq-complete-');
const bin = tempDir('mq-bin-');
const home = tempDir('mq-home-');
writeFileSync(path.join(work, '.mqrc.json'), JSON.stringify({ host: 'localhost', profiles: { prod: { host: 'p' }, dev: {} } }));
writeFileSync(path.join(work, 'team.json'), JSON.stringify({ profiles: { t1: {}, t2: {} } }));
writeFileSync(path.join(work, 'ca.pem'), '');
writeFileSync(path.join(work, 'cert.pem'), '');
mkdirSync(path.join(work, 'subdir'));
// `mq` on PATH as a user has it: the scripts call it back for the profile names.
writeFileSync(path.join(bin, 'mq'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(MQ)} "$@"\n`);
chmodSync(path.join(bin, 'mq'), 0o755);
const env = { PATH: `${bin}:${process.env.PATH}`, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), LANG: 'C.UTF-8', TERM: 'xterm' };

let spec: CommandSpec;
const flagsOf = (...names: string[]) => allCommands(spec).find((c) => c.path.join(' ') === names.join(' '))!.flags.flatMap((f) => f.names);
const sorted = (items: string[]) => [...new Set(items.map((i) => i.replace(/\/$/, '')))].sort();

/** Each case: the command line up to the cursor (ending in a space to complete a new word), and the expected candidates. */
type Case = [line: string, expected: () => string[]];
const CASES: Case[] = [
  ['mq ', () => spec.subcommands.map((c) => c.path[0]!)], // pub, sub, rr, passwd, bench, broker, config, completion
  ['mq p', () => spec.subcommands.map((c) => c.path[0]!).filter((name) => name.startsWith('p'))],
  // numeric values, where yargs' own completion crashes
  ['mq pub -q ', () => ['0', '1', '2']],
  ['mq sub --qos ', () => ['0', '1', '2']],
  ['mq rr -q ', () => ['0', '1', '2']],
  ['mq bench pub -q ', () => ['0', '1', '2']],
  ['mq sub -q 1', () => ['1']],
  ['mq pub -V ', () => ['31', '311', '5']],
  ['mq sub --protocol-version 3', () => ['31', '311']],
  ['mq passwd -H ', () => ['argon2id', 'sha512', 'sha512-pbkdf2']],
  ['mq passwd -H sha512-', () => ['sha512-pbkdf2']],
  ['mq pub --tls-version ', () => ['tlsv1.1', 'tlsv1.2', 'tlsv1.3']],
  ['mq sub --retain-handling ', () => ['0', '1', '2']],
  ['mq pub --will-qos ', () => ['0', '1', '2']],
  ['mq completion ', () => ['bash', 'fish', 'zsh']],
  ['mq bench ', () => ['agent', 'conn', 'merge', 'pub', 'sub']],
  ['mq bench -c 5 c', () => ['conn']], // -c takes a value there: "5" is not a command
  ['mq sub --retain-h', () => ['--retain-handling']],
  ['mq completion --', () => ['--debug', '--help', '--quiet', '--version']], // --profiles and --config are hidden
  ['mq sub -t a -t b --will-', () => flagsOf('sub').filter((f) => f.startsWith('--will-'))],
  ['mq bench conn --', () => flagsOf('bench', 'conn').filter((f) => f.startsWith('--'))],
  ['mq pub --cafile c', () => ['ca.pem', 'cert.pem']],
  ['mq sub --key ce', () => ['cert.pem']],
  ['mq pub -f sub', () => ['subdir']],
  ['mq rr --file t', () => ['team.json']],
  ['mq sub --password-file c', () => ['ca.pem', 'cert.pem']],
  ['mq passwd -c c', () => ['ca.pem', 'cert.pem']], // passwd FILE
  ['mq sub --profile ', () => ['dev', 'prod']],
  ['mq pub --profile p', () => ['prod']],
  ['mq sub --config team.json --profile ', () => ['t1', 't2']],
];

function bashComplete(lines: string[]): string[][] {
  const quote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;
  const script = [
    `source ${quote(SCRIPTS.bash)}`,
    'c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _mq; printf "%s\\n" "${COMPREPLY[@]}"; printf "\\036\\n"; }',
    ...lines.map((line) => `c ${line.split(' ').map(quote).join(' ')}`),
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: work, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return result.stdout.split('\x1e\n').slice(0, -1).map((block) => block.split('\n').filter((l) => l !== ''));
}

function fishComplete(lines: string[]): string[][] {
  const result = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; for line in $argv[2..-1]; complete -C $line; printf "\\x1e\\n"; end', SCRIPTS.fish, ...lines], { cwd: work, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\x1e\n').slice(0, -1).map((block) => block.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]!));
}

// zsh completes only in its line editor: start an interactive zsh in a pseudo-terminal (zpty),
// load compinit and the script, then for each line type it and TAB, and let compadd print what it
// is given; ^U clears the line for the next one. Candidates of each line end with a \x1e line.
// (A raw template literal: "@{" stands for the "${" of zsh parameter expansion.)
const ZSH_CAPTURE = String.raw`
zmodload zsh/zpty || exit 3
zmodload zsh/datetime
script=$1; shift
zpty z zsh -f -i
zpty -w z "PROMPT=''; autoload -Uz compinit; compinit -u -D; source $script:q"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'mq-mark() { print -rn -- $'"'"'\n\x01MARK\n'"'"' }'
# compprefuncs and comppostfuncs are used once: set them for every TAB.
zpty -w z 'mq-complete() { compprefuncs=(mq-mark); comppostfuncs=(mq-mark); zle complete-word }; zle -N mq-complete'
zpty -w z 'compadd() {
  if [[ $@[1,(i)(-|--)] == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a hits; builtin compadd -A hits "$@"
  local h; for h in "$hits[@]"; do print -rn -- $'"'"'\n\x01HIT'"'"'"$h"$'"'"'\n'"'"'; done
}'
zpty -w z "bindkey '^I' mq-complete; bindkey '^U' kill-whole-line"
local all='' chunk line
integer marks=0
done-marks() { local -a seen; seen=(@{(M)@{(f)all}:#*$'\x01MARK'*}); (( @{#seen} >= marks )) }
for line in "$@"; do
  zpty -w -n z "$line"$'\t'
  (( marks += 2 ))
  float deadline=$(( EPOCHREALTIME + 15 ))
  while (( EPOCHREALTIME < deadline )); do
    if zpty -r -t z chunk 2>/dev/null; then all+=$chunk; else sleep 0.01; fi
    done-marks && break
  done
  done-marks || { print -u2 "no completion finished for: $line"; exit 4; }
  all+=$'\n\x01NEXT\n'
  zpty -w -n z $'\C-u'
done
zpty -d z
print -r -- "$all" | while IFS= read -r l; do
  [[ $l == *$'\r' ]] && l=$l[1,-2]
  [[ $l == *$'\x01HIT'* ]] && print -r -- "@{l#*$'\x01HIT'}"
  [[ $l == $'\x01NEXT' ]] && print -r -- $'\x1e'
done
exit 0
`.replaceAll('@{', '$' + '{');

/** Complete each line in one interactive zsh; the candidates of each. */
async function zshComplete(lines: string[]): Promise<string[][]> {
  const capture = path.join(tempDir('mq-zsh-'), 'capture.zsh');
  writeFileSync(capture, ZSH_CAPTURE);
  return new Promise((resolve, reject) => {
    const child = spawn('zsh', ['-f', capture, SCRIPTS.zsh, ...lines], { cwd: work, env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`zsh exited ${code}: ${err}`));
      resolve(out.split('\x1e\n').slice(0, -1).map((block) => block.split('\n').filter((l) => l !== '')));
    });
  });
}

before(async () => {
  spec = await loadCommandSpec(COMMANDS);
});

describe('bash completion', { skip: has('bash') ? false : 'bash is not installed' }, () => {
  test('every case', () => {
    const results = bashComplete(CASES.map(([line]) => line));
    CASES.forEach(([line, expected], i) => assert.deepEqual(sorted(results[i]!), sorted(expected()), `bash: ${line}`));
  });

  test('--flag=value split at "=" as bash does: --qos = <TAB> and --qos = 1<TAB>', () => {
    const quote = (w: string) => `'${w}'`;
    const script = [
      `source '${SCRIPTS.bash}'`,
      'c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _mq; echo "${COMPREPLY[*]}"; }',
      ...[['mq', 'pub', '--qos', '='], ['mq', 'pub', '--qos', '=', '1'], ['mq', 'pub', '--qos', '=', '2', '-'], ['mq', 'sub', '--profile', '=', '']].map((ws) => `c ${ws.map(quote).join(' ')}`),
    ].join('\n');
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: work, env, encoding: 'utf8' });
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], '0 1 2');
    assert.equal(lines[1], '1');
    assert.ok(lines[2]!.split(' ').includes('--topic') && lines[2]!.split(' ').includes('-q'), lines[2]);
    assert.equal(lines[3], 'prod dev');
  });

  test('--flag=value in one word when COMP_WORDBREAKS has no "="', () => {
    const script = `source '${SCRIPTS.bash}'; COMP_WORDS=(mq passwd --hash=sha); COMP_CWORD=2; _mq; echo "\${COMPREPLY[*]}"`;
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: work, env, encoding: 'utf8' });
    assert.equal(result.stdout, '--hash=sha512 --hash=sha512-pbkdf2\n');
  });

  test('no profiles, and nothing on the terminal, when the rc file is broken', () => {
    const broken = tempDir('mq-broken-');
    writeFileSync(path.join(broken, '.mqrc.json'), '{ not json');
    const script = `source '${SCRIPTS.bash}'; COMP_WORDS=(mq sub --profile ''); COMP_CWORD=3; _mq; echo "[\${COMPREPLY[*]}]"`;
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: broken, env, encoding: 'utf8' });
    assert.equal(result.stdout, '[]\n');
    assert.equal(result.stderr, '');
  });
});

describe('fish completion', { skip: has('fish') ? false : 'fish is not installed (CI installs it via .ci/run; locally: apt-get install -y fish)' }, () => {
  test('every case', () => {
    const results = fishComplete(CASES.map(([line]) => line));
    CASES.forEach(([line, expected], i) => assert.deepEqual(sorted(results[i]!), sorted(expected()), `fish: ${line}`));
  });

  test('--qos=<TAB> and descriptions', () => {
    const result = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', SCRIPTS.fish, 'mq pub --qos='], { cwd: work, env, encoding: 'utf8' });
    assert.deepEqual(result.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]), ['--qos=0', '--qos=1', '--qos=2']);
    const top = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', SCRIPTS.fish, 'mq pu'], { cwd: work, env, encoding: 'utf8' });
    assert.equal(top.stdout, 'pub\tPublish messages (mosquitto_pub)\n');
  });
});

describe('zsh completion', { skip: has('zsh') ? false : 'zsh is not installed (CI installs it via .ci/run; locally: apt-get install -y zsh)' }, () => {
  test('every case, and --qos=<TAB> and -q1', async () => {
    const extra: Case[] = [['mq pub --qos=', () => ['0', '1', '2']], ['mq pub -q1 --null', () => ['--null-message']]];
    const cases = [...CASES, ...extra];
    const results = await zshComplete(cases.map(([line]) => line));
    assert.equal(results.length, cases.length);
    cases.forEach(([line, expected], i) => assert.deepEqual(sorted(results[i]!), sorted(expected()), `zsh: ${line}`));
  });
});

describe('mq completion', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    test(`mq completion ${shell} prints the committed completions/mq.${shell}`, async () => {
      const result = await runMq(['completion', shell]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, readFileSync(SCRIPTS[shell], 'utf8'));
      assert.equal(result.stderr, '');
    });
  }

  test('without a shell: exit 1 naming the choices (and the shell in $SHELL)', async () => {
    const result = await runMq(['completion'], { env: { SHELL: '/usr/bin/zsh' } });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'Error: Name the shell: mq completion bash, mq completion zsh or mq completion fish. For your shell: mq completion zsh\n');
  });

  test('an unknown shell is a usage error', async () => {
    const result = await runMq(['completion', 'tcsh']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /tcsh/);
    assert.match(result.stderr, /bash/);
  });

  test('--profiles: the rc file found from the cwd, MQ_CONFIG, or --config; silent when broken', async () => {
    assert.deepEqual(await runMq(['completion', '--profiles'], { cwd: work }).then((r) => [r.code, r.stdout, r.stderr]), [0, 'prod\ndev\n', '']);
    assert.deepEqual(await runMq(['completion', '--profiles', '--config', 'team.json'], { cwd: work }).then((r) => [r.code, r.stdout, r.stderr]), [0, 't1\nt2\n', '']);
    assert.deepEqual(await runMq(['completion', '--profiles'], { cwd: work, env: { MQ_CONFIG: path.join(work, 'team.json') } }).then((r) => [r.code, r.stdout, r.stderr]), [0, 't1\nt2\n', '']);
    const broken = tempDir('mq-broken-');
    writeFileSync(path.join(broken, '.mqrc.json'), '{ not json');
    assert.deepEqual(await runMq(['completion', '--profiles'], { cwd: broken }).then((r) => [r.code, r.stdout, r.stderr]), [0, '', '']);
    assert.deepEqual(await runMq(['completion', '--profiles', '--config', 'missing.json'], { cwd: broken }).then((r) => [r.code, r.stdout, r.stderr]), [0, '', '']);
  });
});
