import { shellQuote } from './bash.js';
import { allCommands, type CommandSpec, type FlagSpec, type PositionalSpec, type ValueSpec } from './spec.js';

/**
 * The zsh completion script: one `_arguments` function per command path, so zsh's own machinery
 * handles `--qos=1`, `-q1`, descriptions and `--` — with the specs generated from the definitions.
 */
export function zshScript(root: CommandSpec): string {
  const functions = allCommands(root).map(commandFunction);
  return `#compdef mq
# zsh completion for mq. Generated from the command definitions by \`npm run completions\`; do not edit.
#
# Install with one of:
#   mq completion zsh > "\${fpath[1]}/_mq"          (then start a new shell)
#   echo 'source <(mq completion zsh)' >> ~/.zshrc  (after compinit)

# The profile names of the rc file mq would load here (or of --config FILE).
_mq_profiles() {
  local -a profiles
  local config=\${opt_args[--config]}
  profiles=(\${(f)"$(_call_program profiles \${(q)_mq_program} completion --profiles \${config:+--config \${(q)config}} 2>/dev/null)"})
  _wanted profiles expl 'profile' compadd -a - profiles
}

${functions.join('\n\n')}

_mq() {
  # The program as typed (mq, or a path to it), for the profile look-up.
  local _mq_program=\${words[1]}
  _mq__
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _mq "$@"
else
  compdef _mq mq
fi
`;
}

function functionName(command: CommandSpec): string {
  return `_mq__${command.path.map((p) => p.replace(/[^A-Za-z0-9]/g, '_')).join('__')}`;
}

function commandFunction(command: CommandSpec): string {
  const specs = [...command.flags.flatMap(flagSpecs), ...positionalSpecs(command.positionals)];
  const name = functionName(command);
  if (command.subcommands.length === 0) {
    return `${name}() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \\
${specs.map((s) => `    ${s}`).join(' \\\n')}
}`;
  }
  const where = ['mq', ...command.path].join(' ');
  const list = command.subcommands.map((sub) => `    ${shellQuote(`${escapeColon(sub.path[sub.path.length - 1]!)}:${sub.describe}`)}`);
  const cases = command.subcommands.map((sub) => `        ${shellQuote(sub.path[sub.path.length - 1]!)}) ${functionName(sub)} ;;`);
  return `${name}() {
  local curcontext=$curcontext state state_descr line ret=1
  typeset -A opt_args
  _arguments -C -S \\
${[...specs, `': :->command'`, `'*:: :->argument'`].map((s) => `    ${s}`).join(' \\\n')} && ret=0
  case $state in
    command)
      local -a commands=(
${list.map((l) => `    ${l}`).join('\n')}
      )
      _describe -t commands ${shellQuote(`${where} command`)} commands && ret=0
      ;;
    argument)
      curcontext=\${curcontext%:*:*}:${where.replace(/ /g, '-')}-$words[1]:
      case $words[1] in
${cases.map((c) => `  ${c}`).join('\n')}
      esac
      ;;
  esac
  return ret
}`;
}

/** One spec per name; booleans exclude their own aliases, values may repeat (the last one wins). */
function flagSpecs(flag: FlagSpec): string[] {
  const description = `[${escapeDescription(flag.describe)}]`;
  if (flag.value.kind === 'none') {
    const exclusion = flag.names.length > 1 ? `(${flag.names.join(' ')})` : '';
    return flag.names.map((name) => shellQuote(`${exclusion}${name}${description}`));
  }
  const label = flag.key.replace(/^-+/, '');
  return flag.names.map((name) => {
    const attach = name.startsWith('--') ? '=' : '+';
    return shellQuote(`*${name}${attach}${description}:${escapeColon(label)}:${action(flag.value)}`);
  });
}

function positionalSpecs(positionals: PositionalSpec[]): string[] {
  return positionals.map((positional, index) => {
    const position = positional.variadic ? '*' : String(index + 1);
    return shellQuote(`${position}:${escapeColon(positional.describe || positional.name)}:${action(positional.value)}`);
  });
}

function action(value: ValueSpec): string {
  switch (value.kind) {
    case 'choices': return `(${value.values.map((v) => v.replace(/([\\\s()'"$`])/g, '\\$1')).join(' ')})`;
    case 'file': return '_files';
    case 'profile': return '_mq_profiles';
    case 'text':
    case 'none': return ' ';
  }
}

function escapeDescription(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([[\]])/g, '\\$1');
}

function escapeColon(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}
