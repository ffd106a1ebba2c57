import { allCommands, type CommandSpec, type ValueSpec } from './spec.js';

/** POSIX single quoting. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bash completion script. Data (each command path's flags, which of them take a value, its
 * subcommands, how to complete each value) is generated; the walk over the words is fixed code.
 * It needs only bash 4+, not the bash-completion package.
 */
export function bashScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const spec: string[] = [];
  for (const command of commands) {
    const path = command.path.join(' ');
    spec.push(`    ${shellQuote(path)})`);
    spec.push(`      _mq_flags=${shellQuote(command.flags.flatMap((f) => f.names).join(' '))}`);
    spec.push(`      _mq_valued=${shellQuote(command.flags.filter((f) => f.value.kind !== 'none').flatMap((f) => f.names).join(' '))}`);
    spec.push(`      _mq_subs=${shellQuote(command.subcommands.map((c) => c.path[c.path.length - 1]!).join(' '))} ;;`);
  }

  const values: string[] = [];
  for (const command of commands) {
    const path = command.path.join(' ');
    for (const flag of command.flags) {
      const line = valueCase(flag.names.map((name) => `${path} ${name}`), flag.value);
      if (line) values.push(line);
    }
    command.positionals.forEach((positional, index) => {
      const line = valueCase([`${path} #${index + 1}`], positional.value);
      if (line) values.push(line);
      // A variadic last positional takes every word from here on.
      if (positional.variadic) values.push(valueCase([`${path} #`], positional.value, '*')!);
    });
  }

  return `# bash completion for mq. Generated from the command definitions by \`npm run completions\`; do not edit.
#
# Install (bash 4 or newer) with one of:
#   echo 'source <(mq completion bash)' >> ~/.bashrc
#   mq completion bash > ~/.local/share/bash-completion/completions/mq

# _mq_spec PATH: for a command path ('' for mq itself, 'bench pub'), set its flags, the flags that
# take a value and its subcommands.
_mq_spec() {
  case $1 in
${spec.join('\n')}
    *) _mq_flags='' _mq_valued='' _mq_subs='' ;;
  esac
}

# _mq_value PATH WHAT: how to complete the value of flag WHAT, or of positional argument #N.
# Sets _mq_kind to choices (_mq_choices), file, profile, text or none (no such argument).
_mq_value() {
  _mq_choices=''
  case "$1 $2" in
${values.join('\n')}
    *' #'*) _mq_kind=none ;;
    *) _mq_kind=text ;;
  esac
}

# The profile names of the rc file mq would load here (or of --config FILE).
_mq_profiles() {
  local mq=\${COMP_WORDS[0]/#\\~/$HOME}
  if [[ -n $1 ]]; then
    "$mq" completion --profiles --config "$1" 2>/dev/null
  else
    "$mq" completion --profiles 2>/dev/null
  fi
}

_mq() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path='' word flag='' prefix='' config='' i npos=0
  local _mq_flags _mq_valued _mq_subs _mq_kind _mq_choices
  COMPREPLY=()
  _mq_spec ''

  # Walk the words before the cursor: follow the command path, skip the values of flags (noting
  # --config for the profile names), count positional arguments, and notice when the cursor is on
  # a flag's value. bash splits "--qos=1" into "--qos" "=" "1" unless COMP_WORDBREAKS lacks "=".
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case $word in
      -*=*) [[ $word == --config=* ]] && config=\${word#*=} ;;
      -*)
        [[ " $_mq_valued " == *" $word "* ]] || continue
        if [[ \${COMP_WORDS[i + 1]} == = ]]; then
          ((i++))
          if ((i + 1 == COMP_CWORD)); then flag=$word; break; fi
          [[ $cur == = ]] && { flag=$word; cur=''; break; }
        fi
        if ((i + 1 == COMP_CWORD)); then
          flag=$word
          [[ $cur == = ]] && cur=''
          break
        fi
        ((i++))
        [[ $word == --config ]] && config=\${COMP_WORDS[i]}
        ;;
      *)
        if ((npos == 0)) && [[ -n $_mq_subs && " $_mq_subs " == *" $word "* ]]; then
          path=\${path:+$path }$word
          _mq_spec "$path"
        else
          ((npos++))
        fi
        ;;
    esac
  done

  if [[ -z $flag && $cur == -*=* ]]; then
    flag=\${cur%%=*}
    prefix=$flag=
    cur=\${cur#*=}
    [[ " $_mq_valued " == *" $flag "* ]] || return 0
  fi

  if [[ -n $flag ]]; then
    _mq_value "$path" "$flag"
  elif [[ $cur == -* ]]; then
    _mq_kind=flags
  elif ((npos == 0)) && [[ -n $_mq_subs ]]; then
    _mq_kind=subs
  else
    _mq_value "$path" "#$((npos + 1))"
    [[ $_mq_kind == none ]] && _mq_kind=flags
  fi

  case $_mq_kind in
    flags) mapfile -t COMPREPLY < <(compgen -W "$_mq_flags" -- "$cur") ;;
    subs) mapfile -t COMPREPLY < <(compgen -W "$_mq_subs" -- "$cur") ;;
    choices) mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$_mq_choices" -- "$cur") ;;
    profile)
      local IFS=$'\\n'
      mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$(_mq_profiles "$config")" -- "$cur")
      ;;
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -P "$prefix" -f -- "$cur")
      ;;
  esac
  return 0
}

complete -F _mq mq
`;
}

function valueCase(patterns: string[], value: ValueSpec, glob = ''): string | undefined {
  const match = patterns.map((p) => shellQuote(p) + glob).join('|');
  switch (value.kind) {
    case 'choices': return `    ${match}) _mq_kind=choices _mq_choices=${shellQuote(value.values.join(' '))} ;;`;
    case 'file': return `    ${match}) _mq_kind=file ;;`;
    case 'profile': return `    ${match}) _mq_kind=profile ;;`;
    // A flag's free text is the default; a positional's must be said (no positional means flags).
    case 'text': return patterns.some((p) => p.includes(' #')) ? `    ${match}) _mq_kind=text ;;` : undefined;
    case 'none': return undefined;
  }
}
