import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { allCommands, loadCommandSpec, treeOf, type CommandSpec, type FlagSpec, type YargsFactory } from '../../src/completion/spec.ts';
import { COMMANDS } from '../../src/commands/registry.ts';
import type { CommandModule } from '../../src/context.ts';
import { completionScript, SCRIPT_FILES, SHELLS } from '../../src/completion/generate.ts';
import { OPTION_VALUES } from '../../src/completion/values.ts';
import { bashScript, shellQuote } from '../../src/completion/bash.ts';
import { fishQuote, fishScript } from '../../src/completion/fish.ts';
import { zshScript } from '../../src/completion/zsh.ts';
import { rcProfileNames } from '../../src/connection/rc.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const spec = await loadCommandSpec(COMMANDS);

function command(...names: string[]): CommandSpec {
  const found = allCommands(spec).find((c) => c.path.join(' ') === names.join(' '));
  assert.ok(found, `no command "${names.join(' ')}"`);
  return found;
}
function flag(commandSpec: CommandSpec, name: string): FlagSpec {
  const found = commandSpec.flags.find((f) => f.names.includes(name));
  assert.ok(found, `mq ${commandSpec.path.join(' ')} has no ${name}`);
  return found;
}

describe('the committed completion scripts', () => {
  for (const shell of SHELLS) {
    test(`${SCRIPT_FILES[shell]} is what the definitions generate now (else run: npm run completions)`, async () => {
      const committed = readFileSync(path.join(ROOT, SCRIPT_FILES[shell]), 'utf8');
      assert.equal(committed, completionScript(shell, spec));
    });
  }
});

describe('the command tree read from the yargs definitions', () => {
  test('mq itself: every command of the registry, and the global flags', () => {
    assert.deepEqual(spec.subcommands.map((c) => c.path[0]), ['pub', 'sub', 'rr', 'passwd', 'bench', 'broker', 'config', 'completion']);
    assert.deepEqual(spec.flags.flatMap((f) => f.names), ['--debug', '-d', '--quiet', '--help', '--version']);
    assert.equal(command('pub').describe, 'Publish messages (mosquitto_pub)');
  });

  test('bench has the nested pub, sub, conn, agent and merge, each with its own flags', () => {
    assert.deepEqual(command('bench').subcommands.map((c) => c.path.join(' ')), ['bench pub', 'bench sub', 'bench conn', 'bench agent', 'bench merge']);
    assert.ok(command('bench', 'agent').flags.some((f) => f.key === 'name'));
    assert.ok(!command('bench', 'agent').flags.some((f) => f.key === 'rate'), 'the plan comes from the controller');
    assert.ok(command('bench').flags.some((f) => f.key === 'subscribers'));
    assert.ok(command('bench', 'pub').flags.some((f) => f.key === 'rate'));
    assert.ok(!command('bench', 'conn').flags.some((f) => f.key === 'topic'), 'bench conn has no -t');
  });

  const values: [path: string[], name: string, values: string[]][] = [
    [['pub'], '-q', ['0', '1', '2']],
    [['sub'], '--qos', ['0', '1', '2']],
    [['rr'], '-q', ['0', '1', '2']],
    [['bench', 'pub'], '-q', ['0', '1', '2']],
    [['pub'], '-V', ['31', '311', '5']],
    [['rr'], '--protocol-version', ['31', '311', '5']],
    [['passwd'], '-H', ['sha512', 'sha512-pbkdf2', 'argon2id']],
    [['sub'], '--tls-version', ['tlsv1.3', 'tlsv1.2', 'tlsv1.1']],
    [['sub'], '--retain-handling', ['0', '1', '2']],
    [['pub'], '--will-qos', ['0', '1', '2']],
  ];
  for (const [names, name, expected] of values) {
    test(`mq ${names.join(' ')} ${name} completes ${expected.join(' ')}`, () => {
      assert.deepEqual(flag(command(...names), name).value, { kind: 'choices', values: expected });
    });
  }

  const files: [path: string[], name: string][] = [
    [['pub'], '-f'], [['rr'], '-f'], [['sub'], '--cafile'], [['pub'], '--cert'], [['pub'], '--key'],
    [['sub'], '--password-file'], [['broker'], '--password-file'], [['pub'], '--config'], [['sub'], '-o'],
  ];
  for (const [names, name] of files) {
    test(`mq ${names.join(' ')} ${name} completes file names`, () => {
      assert.deepEqual(flag(command(...names), name).value, { kind: 'file' });
    });
  }

  test('--profile completes profile names; booleans take no value; free text offers nothing', () => {
    assert.deepEqual(flag(command('sub'), '--profile').value, { kind: 'profile' });
    assert.deepEqual(flag(command('sub'), '-v').value, { kind: 'none' });
    assert.deepEqual(flag(command('pub'), '-m').value, { kind: 'text' });
  });

  test('short and long names are both listed, yargs camelCase aliases are not', () => {
    assert.deepEqual(flag(command('pub'), '-q').names, ['--qos', '-q']);
    assert.deepEqual(flag(command('sub'), '-C').names, ['-C']);
    const all = allCommands(spec).flatMap((c) => c.flags.flatMap((f) => f.names));
    assert.deepEqual(all.filter((n) => /[a-z][A-Z]/.test(n)), []);
  });

  test('hidden options stay hidden: completion --profiles and --config are for the scripts only', () => {
    assert.deepEqual(command('completion').flags.map((f) => f.key), ['debug', 'quiet', 'help', 'version']);
  });

  test('positionals: passwd FILE is a file name, completion SHELL one of the shells', () => {
    assert.deepEqual(command('passwd').positionals.map((p) => [p.name, p.value.kind]), [['file', 'file'], ['username', 'text'], ['password', 'text']]);
    assert.deepEqual(command('completion').positionals.map((p) => p.value), [{ kind: 'choices', values: ['bash', 'zsh', 'fish'] }]);
  });

  test('every entry of the value table belongs to an option some command defines', () => {
    const keys = new Set(allCommands(spec).flatMap((c) => c.flags.map((f) => f.key)));
    assert.deepEqual(Object.keys(OPTION_VALUES).filter((key) => !keys.has(key)), []);
  });
});

describe('numeric yargs choices (where yargs\' own completion crashes)', async () => {
  const { default: yargs } = await import('yargs');
  const module: CommandModule<never> = {
    command: 'try [level]',
    describe: 'A test command',
    builder: (y) => y
      .positional('level', { type: 'number', choices: [7, 8] })
      .option('qos', { alias: 'q', type: 'number', choices: [0, 1, 2], describe: 'QoS' })
      .option('size', { type: 'number', choices: [1.5, 10] }),
    async run() {},
  };
  const tree = treeOf(yargs as unknown as YargsFactory, [{ name: 'try', describe: 'A test command', module }]);
  const command = tree.subcommands[0]!;

  test('are read as strings', () => {
    assert.deepEqual(command.flags.find((f) => f.key === 'qos')!.value, { kind: 'choices', values: ['0', '1', '2'] });
    assert.deepEqual(command.flags.find((f) => f.key === 'size')!.value, { kind: 'choices', values: ['1.5', '10'] });
    assert.deepEqual(command.positionals[0]!.value, { kind: 'choices', values: ['7', '8'] });
  });

  test('and completed by the bash script', () => {
    const script = bashScript(tree);
    const run = (words: string[]) => spawnSync('bash', ['--norc', '--noprofile', '-c',
      `${script}\nCOMP_WORDS=(${words.map(shellQuote).join(' ')}); COMP_CWORD=${words.length - 1}; _mq; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    if (run(['mq']).error) return; // no bash here: the e2e suite says so
    assert.equal(run(['mq', 'try', '-q', '']).stdout, '0\n1\n2\n');
    assert.equal(run(['mq', 'try', '--size', '1']).stdout, '1.5\n10\n');
    assert.equal(run(['mq', 'try', '']).stdout, '7\n8\n');
  });
});

describe('rendering odd text safely', () => {
  const odd: CommandSpec = {
    path: [],
    describe: '',
    positionals: [],
    flags: [],
    subcommands: [{
      path: ['x'],
      describe: "it's [odd]: $HOME `x` \\ \"q\"",
      positionals: [],
      subcommands: [],
      flags: [
        { key: 'mode', names: ['--mode', '-M'], describe: "a [b] c: d 'e' $f \\g", value: { kind: 'choices', values: ['a b', "it's"] }, repeatable: false },
        { key: 'flag', names: ['--flag'], describe: 'on', value: { kind: 'none' }, repeatable: false },
      ],
    }],
  };

  test('shellQuote and fishQuote', () => {
    const cases: [string, string, string][] = [
      ['plain', "'plain'", "'plain'"],
      ["it's", "'it'\\''s'", "'it\\'s'"],
      ['a\\b', "'a\\b'", "'a\\\\b'"],
      ['$x `y`', "'$x `y`'", "'$x `y`'"],
    ];
    for (const [text, sh, fish] of cases) {
      assert.equal(shellQuote(text), sh);
      assert.equal(fishQuote(text), fish);
    }
  });

  test('zsh: descriptions escape [ ] and values escape spaces and quotes', () => {
    const script = zshScript(odd);
    assert.ok(script.includes(`'*--mode=[a \\[b\\] c: d '\\''e'\\'' $f \\\\g]:mode:(a\\ b it\\'\\''s)'`), script);
    assert.ok(script.includes(`'--flag[on]'`));
    assert.ok(script.includes(`'x:it'\\''s [odd]: $HOME \`x\` \\ "q"'`));
  });

  test('fish: descriptions and values quoted', () => {
    const script = fishScript(odd);
    assert.ok(script.includes(`complete -c mq -n "__mq_is 'x'" -l mode -s M -x -a 'a\\\\ b it\\\\\\'s' -d 'a [b] c: d \\'e\\' $f \\\\g'`), script);
    assert.ok(script.includes(`complete -c mq -n "__mq_at '' 0" -a x -d 'it\\'s [odd]: $HOME \`x\` \\\\ "q"'`));
  });

  test('bash: values quoted in the case patterns', () => {
    const script = bashScript(odd);
    assert.ok(script.includes(`    'x --mode'|'x -M') _mq_kind=choices _mq_choices='a b it'\\''s' ;;`), script);
  });

  test('every flag name is a plain word (the scripts write them unquoted)', () => {
    for (const command of allCommands(spec)) {
      for (const name of command.flags.flatMap((f) => f.names)) assert.match(name, /^--?[A-Za-z0-9][A-Za-z0-9._-]*$/);
    }
  });
});

describe('rcProfileNames (mq completion --profiles)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-rc-'));
  const cases: [name: string, file: string, content: string, expected: string[]][] = [
    ['profiles in .mqrc.json', '.mqrc.json', '{"host":"h","profiles":{"prod":{"host":"p"},"dev lab":{}}}', ['prod', 'dev lab']],
    ['no profiles section', '.mqrc.json', '{"host":"h"}', []],
    ['profiles is not an object', '.mqrc.json', '{"profiles":[1]}', []],
    ['unparsable file', '.mqrc.json', '{ nope', []],
    ['yaml', '.mqrc.yaml', 'profiles:\n  a: {}\n  b:\n    host: x\n', ['a', 'b']],
    ['unknown keys do not matter here', '.mqrc.json', '{"nonsense":1,"profiles":{"x":{"bad":2}}}', ['x']],
  ];
  cases.forEach(([name, file, content, expected], index) => {
    test(name, async () => {
      const cwd = mkdtempSync(path.join(dir, `case${index}-`));
      writeFileSync(path.join(cwd, file), content);
      assert.deepEqual(await rcProfileNames({ cwd }), expected);
    });
  });
  test('an explicit file, relative to cwd; a missing one has no profiles', async () => {
    const cwd = mkdtempSync(path.join(dir, 'explicit-'));
    writeFileSync(path.join(cwd, 'team.json'), '{"profiles":{"t1":{},"t2":{}}}');
    assert.deepEqual(await rcProfileNames({ cwd, explicitPath: 'team.json' }), ['t1', 't2']);
    assert.deepEqual(await rcProfileNames({ cwd, explicitPath: 'missing.json' }), []);
  });
});
