import type { CommandModule } from '../context.js';
import { withConnectionOptions, type ConnectionArgs } from '../connection/options.js';
import { brokerLabel } from '../connection/errors.js';
import { resolveSettings } from '../connection/prepare.js';
import { describeSource, settingsReport } from '../connection/report.js';

interface ConfigArgs extends ConnectionArgs {
  json?: boolean;
  check?: boolean;
  for?: string;
}

const command: CommandModule<ConfigArgs> = {
  command: 'config',
  describe: 'Show the resolved connection settings and where each came from',
  builder: (yargs) =>
    withConnectionOptions(yargs)
      .option('json', { type: 'boolean', describe: 'Print the settings and their sources as JSON' })
      .option('check', { type: 'boolean', describe: 'Also connect with these settings and report whether the broker accepts them' })
      .option('for', { type: 'string', choices: ['pub', 'sub', 'rr'], describe: "Resolve as this command does, with mosquitto's options file for it (~/.config/mosquitto_sub, ...)" })
      .example('$0 config', 'Which broker would mq connect to from here, and why?')
      .example('$0 config --profile prod --json', 'The prod profile as JSON (password redacted)')
      .example('$0 config --check -u alice -P secret', 'Does the broker accept these credentials? (exit 0, or its refusal code)')
      .example('$0 config --for sub', "What mq sub would use, ~/.config/mosquitto_sub included"),
  async run(args, ctx) {
    const { defaultOptionFilesPresent, isMosquittoClient, readDefaultOptions } = await import('../connection/options-file.js');
    // rr speaks MQTT v5 unless told otherwise.
    const defaults = args.for === 'rr' ? { protocolVersion: 5 as const } : undefined;
    if (isMosquittoClient(args.for)) {
      const options = await readDefaultOptions(args.for, ctx.env);
      if (options) ctx.optionsFile = { file: options.file, layer: options.layer };
    } else {
      // Say so when mosquitto's options file of a command would change what that command uses.
      for (const [client, file] of await defaultOptionFilesPresent(ctx.env)) {
        ctx.ui.info(`mq ${client} also reads ${file}; mq config --for ${client} shows what it sets.`);
      }
    }
    if (args.check) {
      const connection = await (await ctx.connect(args, defaults)).connect();
      await connection.close();
      const id = connection.clientId();
      ctx.ui.info(`Connected to ${brokerLabel(connection.settings)} ${id ? `as "${id}"` : '(client id assigned by the broker)'} and disconnected.`);
      return;
    }
    const resolved = await resolveSettings(args, ctx, { prompt: false, ...(defaults ? { defaults } : {}) });
    const rows = settingsReport(resolved);
    if (args.json) {
      ctx.io.stdout.write(JSON.stringify(Object.fromEntries(rows.map((r) => [r.key, { value: r.value, source: r.source }]))) + '\n');
      return;
    }
    const width = Math.max(...rows.map((r) => r.key.length));
    for (const row of rows) {
      ctx.io.stdout.write(`${row.key.padEnd(width)}  ${String(row.value).padEnd(24)}  ${describeSource(row.source)}\n`);
    }
  },
};
export default command;
