import type { CommandModule } from '../context.js';
import type { PasswdArgs } from '../passwd/args.js';

type Args = PasswdArgs & { _: (string | number)[] };

const command: CommandModule<Args> = {
  command: 'passwd [file] [username] [password]',
  describe: 'Manage mosquitto password files (mosquitto_passwd)',
  builder: (yargs) =>
    yargs
      .usage(
        'mq passwd [-H sha512|sha512-pbkdf2|argon2id] [-I iterations] [-c|-D] FILE USER\n' +
          'mq passwd [-H ...] [-c] -b FILE USER PASSWORD\n' +
          'mq passwd -U FILE\n' +
          'mq passwd --check [-b] FILE USER [PASSWORD]\n\n' +
          'Add, update or delete a user in a mosquitto password_file. Comments and blank lines are kept, the file is ' +
          'replaced atomically (mode and owner kept, new files 0600), and concurrent runs never lose an update. ' +
          'Options must come before FILE: everything after it is taken as it is, so a password may start with "-".',
      )
      // As in mosquitto_passwd, options end at the first non-option, so a password may start with "-":
      // run() parses the words itself; yargs only declares the options (help, completion) and must not
      // reject or number the words it cannot place.
      .strict(false)
      .parserConfiguration({ 'parse-positional-numbers': false })
      .positional('file', { type: 'string', describe: 'The password file (symlinks are followed)' })
      .positional('username', { type: 'string', describe: 'The user to add, update, delete or check' })
      .positional('password', { type: 'string', describe: 'The password, with -b only' })
      .option('hash', { alias: 'H', type: 'string', describe: 'Hash: sha512-pbkdf2 ($7$, default, every 2.x broker), sha512 ($6$), argon2id (mosquitto 2.1+ only)' })
      .option('iterations', { alias: 'I', type: 'string', describe: 'PBKDF2 iterations for sha512-pbkdf2 (default 101); the broker pays them on every CONNECT' })
      .option('create', { alias: 'c', type: 'boolean', describe: 'Create the file, or overwrite it with just this user' })
      .option('delete', { alias: 'D', type: 'boolean', describe: 'Delete the user' })
      .option('batch', { alias: 'b', type: 'boolean', describe: 'Take the password from the command line (visible to other users of this machine)' })
      .option('upgrade', { alias: 'U', type: 'boolean', describe: 'Hash every plaintext password in the file; hashed lines are left alone' })
      .option('check', { type: 'boolean', describe: 'Exit 0 if the password matches the user\'s entry, 1 if not' })
      .example('mq passwd -c /etc/mosquitto/passwd alice', 'Create the file with user alice (prompts twice)')
      .example('mq passwd /etc/mosquitto/passwd bob', 'Add bob, or change his password')
      .example('printf "%s\\n%s\\n" "$PW" "$PW" | mq passwd passwd carol', 'Read the password from a pipe (two lines)')
      .example('mq passwd -b passwd dave s3cret', 'Batch mode: password on the command line')
      .example('mq passwd -H argon2id passwd erin', 'argon2id hash (mosquitto 2.1 brokers only)')
      .example('mq passwd -D passwd bob', 'Delete bob')
      .example('mq passwd -U passwd', 'Hash a file of user:plaintext lines in place')
      .example('mq passwd --check passwd alice', 'Test a password before reloading the broker'),
  async run(_args, ctx) {
    const [{ parsePasswdArgv, planPasswd }, { runPasswd }] = await Promise.all([import('../passwd/args.js'), import('../passwd/run.js')]);
    // yargs cannot stop at the first non-option, so the order-sensitive words are parsed here.
    // The yargs flags above serve --help and completions; the words after `passwd` are the truth.
    const words = ctx.argv.slice(ctx.argv.findIndex((word) => !word.startsWith('-')) + 1);
    const plan = planPasswd(parsePasswdArgv(words));
    if ('password' in plan && plan.password !== undefined) ctx.io.title = 'mq passwd'; // keep the password out of `ps`
    await runPasswd(plan, ctx);
  },
};
export default command;
