import { allCommands, type CommandSpec, type FlagSpec, type ValueSpec } from './spec.js';

/** fish single quoting: only \ and ' are special. */
export function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * The fish completion script: `complete` lines generated from the definitions, guarded by
 * __mq_is PATH (the command path under the cursor), which walks the words as the bash script does.
 */
export function fishScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const valued = commands.map((command) => {
    const names = command.flags.filter((f) => f.value.kind !== 'none').flatMap((f) => f.names);
    return `        case ${fishQuote(command.path.join(' '))}\n            set -g __mq_valued ${names.join(' ')}`.trimEnd();
  });
  const subs = commands.filter((c) => c.subcommands.length > 0).map((command) =>
    `        case ${fishQuote(command.path.join(' '))}\n            set -g __mq_subs ${command.subcommands.map((s) => s.path[s.path.length - 1]!).join(' ')}`);

  const lines: string[] = [];
  for (const command of commands) {
    const path = command.path.join(' ');
    const here = `__mq_is '${path}'`;
    lines.push('', `# mq ${path}`.trimEnd());
    for (const sub of command.subcommands) {
      const name = sub.path[sub.path.length - 1]!;
      lines.push(`complete -c mq -n "__mq_at '${path}' 0" -a ${name} -d ${fishQuote(sub.describe)}`);
    }
    for (const flag of command.flags) lines.push(flagLine(flag, here));
    command.positionals.forEach((positional, index) => {
      const at = `__mq_at '${path}' ${index}${positional.variadic ? '+' : ''}`;
      const completion = positionalArgs(positional.value);
      if (completion) lines.push(`complete -c mq -n "${at}" ${completion} -d ${fishQuote(positional.describe || positional.name)}`);
    });
  }

  return `# fish completion for mq. Generated from the command definitions by \`npm run completions\`; do not edit.
#
# Install:
#   mq completion fish > ~/.config/fish/completions/mq.fish

# __mq_valued and __mq_subs for a command path: the flags that take a value, and the subcommands.
function __mq_spec
    set -g __mq_valued
    set -g __mq_subs
    switch $argv[1]
${valued.join('\n')}
    end
    switch $argv[1]
${subs.join('\n')}
    end
end

# Print the command path before the cursor ("", "pub", "bench pub") and how many positional words
# follow it. Remembered per command line: every complete line below asks.
function __mq_state
    set -l line (commandline -cp)
    if test "$line" = "$__mq_state_line"
        printf '%s\\n' $__mq_state
        return
    end
    set -l tokens (commandline -opc)
    set -l path
    set -l npos 0
    set -l skip 0
    __mq_spec ''
    set -e tokens[1]
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case '--*=*'
            case '-*'
                contains -- $token $__mq_valued; and set skip 1
            case '*'
                if test $npos = 0; and contains -- $token $__mq_subs
                    set -a path $token
                    __mq_spec "$path"
                else
                    set npos (math $npos + 1)
                end
        end
    end
    set -g __mq_state_line $line
    set -g __mq_state "$path" $npos
    printf '%s\\n' $__mq_state
end

# True when the cursor is under this command path.
function __mq_is
    set -l state (__mq_state)
    test "$state[1]" = "$argv[1]"
end

# True when the cursor is under this command path after N positional words (N+: at least N).
function __mq_at
    set -l state (__mq_state)
    test "$state[1]" = "$argv[1]"; or return 1
    string match -q -- '*+' $argv[2]; and test $state[2] -ge (string trim -r -c + -- $argv[2]); and return 0
    test $state[2] = $argv[2]
end

# The profile names of the rc file mq would load here (or of --config FILE).
function __mq_profiles
    set -l tokens (commandline -opc)
    set -l config
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --config
                set config --config $tokens[(math $i + 1)]
            case '--config=*'
                set config --config (string replace -- '--config=' '' $tokens[$i])
        end
    end
    command $tokens[1] completion --profiles $config 2>/dev/null
end

# No file names unless a flag or argument takes a file.
complete -c mq -f
${lines.join('\n').trimStart()}
`;
}

function flagLine(flag: FlagSpec, condition: string): string {
  const names = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`));
  const value = valueArgs(flag.value);
  return [`complete -c mq -n "${condition}"`, ...names, ...(value ? [value] : []), `-d ${fishQuote(flag.describe)}`].join(' ');
}

/** The arguments of `complete` that say how to complete a value. */
function valueArgs(value: ValueSpec): string | undefined {
  switch (value.kind) {
    case 'none': return undefined;
    case 'text': return '-x';
    case 'choices': return `-x -a ${fishQuote(value.values.map((v) => v.replace(/[\\\s'"$()*?[\]{};|&<>]/g, '\\$&')).join(' '))}`;
    case 'file': return '-r -F';
    case 'profile': return `-x -a ${fishQuote('(__mq_profiles)')}`;
  }
}

/** For a positional argument: only what to offer (the words are not options, so no -r/-x). */
function positionalArgs(value: ValueSpec): string | undefined {
  switch (value.kind) {
    case 'none':
    case 'text': return undefined;
    case 'file': return '-F';
    case 'choices':
    case 'profile': return valueArgs(value)!.replace(/^-x /, '');
  }
}
