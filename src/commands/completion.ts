import type { CommandModule } from '../context.js';
import { UsageError } from '../errors.js';

interface Args {
  shell?: string;
  profiles?: boolean;
  config?: string;
}

const SHELLS = ['bash', 'zsh', 'fish'];

const command: CommandModule<Args> = {
  command: 'completion [shell]',
  describe: 'Print a shell completion script (bash, zsh, fish)',
  builder: (yargs) =>
    yargs
      .usage('$0 completion bash|zsh|fish\n\nPrint the completion script for a shell: subcommands, flags, their values, rc profiles and file names.')
      .positional('shell', { type: 'string', choices: SHELLS, describe: 'The shell to complete for' })
      // Asked by the scripts while completing --profile; hidden because nobody types it.
      .option('profiles', { type: 'boolean', hidden: true, describe: 'Print the profile names of the rc file, one a line' })
      .option('config', { type: 'string', hidden: true, normalize: true, describe: 'The rc file to list the profiles of' })
      .example('source <($0 completion bash)', 'Complete mq in this bash (add it to ~/.bashrc to keep it)')
      .example('$0 completion zsh > "${fpath[1]}/_mq"', 'Install for zsh (then start a new shell)')
      .example('$0 completion fish > ~/.config/fish/completions/mq.fish', 'Install for fish'),
  async run(args, ctx) {
    if (args.profiles) {
      // Runs on every TAB after --profile: no output on stderr, whatever is wrong with the rc file.
      const { rcProfileNames } = await import('../connection/rc.js');
      const { readEnv } = await import('../connection/env.js');
      const explicitPath = args.config ?? readEnv(ctx.env).config;
      const names = await rcProfileNames({ cwd: ctx.io.cwd(), ...(explicitPath !== undefined ? { explicitPath } : {}) });
      ctx.io.stdout.write(names.map((name) => `${name}\n`).join(''));
      return;
    }
    if (args.shell === undefined) {
      const current = ctx.env.SHELL?.split('/').pop();
      const hint = current && SHELLS.includes(current) ? ` For your shell: mq completion ${current}` : '';
      throw new UsageError(`Name the shell: mq completion bash, mq completion zsh or mq completion fish.${hint}`);
    }
    const { completionScript } = await import('../completion/generate.js');
    const { loadCommandSpec } = await import('../completion/spec.js');
    ctx.io.stdout.write(completionScript(args.shell as 'bash' | 'zsh' | 'fish', await loadCommandSpec(ctx.commands)));
  },
};
export default command;
