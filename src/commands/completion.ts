import type { CommandModule } from '../context.js';
import { UsageError } from '../errors.js';

// Placeholder until the command lands; replaced by its own issue.
const command: CommandModule = {
  command: 'completion',
  describe: '',
  builder: (yargs) => yargs,
  async run() {
    throw new UsageError('mq completion is not available in this build yet.');
  },
};
export default command;
