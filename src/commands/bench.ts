import type { Argv } from 'yargs';
import type { CommandModule } from '../context.js';
import { withConnectionOptions, type ConnectionArgs } from '../connection/options.js';
import type { BenchFlags, BenchMode } from '../bench/plan.js';

type Args = ConnectionArgs & Omit<BenchFlags, 'idPrefix'> & {
  _: (string | number)[];
  /** -L, repeatable here: one broker per URL. */
  url?: string | string[];
  json?: boolean;
  html?: string;
  startAt?: string;
  agents?: string;
  agentsTimeout?: string;
  controlUrl?: string;
  controlPrefix?: string;
  name?: string;
  reports?: string[];
};

// -c (clean session), -I (id prefix) and -i (client id) mean other things in bench; -L is repeatable.
const OMIT = ['disable-clean-session', 'id-prefix', 'id', 'url'];

const NESTED: Record<string, BenchMode> = { pub: 'pub', sub: 'sub', conn: 'conn' };

/**
 * Flags every bench mode has. The connection flags are declared once, on `mq bench`, and yargs
 * carries them into the nested commands; bench flags are per command (global: false), so each
 * command's --help shows its own.
 */
function connection(yargs: Argv): Argv {
  return withConnectionOptions(yargs, OMIT)
    .option('url', { alias: 'L', type: 'string', array: true, nargs: 1, group: 'Connection:', describe: 'Broker URL mqtt[s]://[user[:pass]@]host[:port]; repeat for several brokers (clients round-robin)' });
}

function common(yargs: Argv, clients: string): Argv {
  const group = 'Bench:';
  const global = false;
  return yargs
    .option('clients', { alias: 'c', type: 'string', group, global, describe: clients, defaultDescription: '10' })
    .option('duration', { type: 'string', group, global, describe: 'Seconds to measure (0: until Ctrl-C)', defaultDescription: '10' })
    .option('connect-rate', { type: 'string', group, global, describe: 'Connections opened per second', defaultDescription: 'as fast as accepted' })
    .option('id-prefix', { type: 'string', group, global, describe: 'Client ids are <prefix><pub|sub|conn>-<n>', defaultDescription: 'mq-bench-<random>-' })
    .option('id-offset', { type: 'string', group, global, describe: 'First client number n (for several machines on one broker)', defaultDescription: '0' })
    .option('workers', { type: 'string', group, global, describe: 'Worker threads sharing the clients', defaultDescription: 'number of cores' })
    .option('json', { type: 'boolean', group, global, describe: 'Write the JSON report (configuration, system, counters, percentiles, histograms) to stdout' })
    .option('html', { type: 'string', group, global, describe: 'Write a self-contained HTML report with charts to this file' })
    .option('start-at', { type: 'string', group, global, describe: 'Start publishing at this time (RFC 3339 or epoch seconds), so runs launched apart share one window' })
    .option('agents', { type: 'string', group: 'Agents:', global, describe: 'Run over this many `mq bench agent`s (other machines) instead of here' })
    .option('agents-timeout', { type: 'string', group: 'Agents:', global, describe: 'Seconds to wait for the agents', defaultDescription: '30' });
}

/** Where controller and agents meet. */
function control(yargs: Argv, group: string): Argv {
  const global = false;
  return yargs
    .option('control-url', { type: 'string', group, global, describe: 'Broker URL for coordination', defaultDescription: 'the broker under test' })
    .option('control-prefix', { type: 'string', group, global, describe: 'Topic prefix for coordination', defaultDescription: 'mq-bench/control' });
}

/** Flags of the modes that publish. */
function publishing(yargs: Argv): Argv {
  const group = 'Load:';
  const global = false;
  return yargs
    .option('rate', { type: 'string', group, global, describe: 'Messages per second over all publishers', defaultDescription: '1000' })
    .option('interval', { alias: 'I', type: 'string', group, global, describe: 'Instead of --rate: ms between two messages of one publisher' })
    .option('size', { alias: 's', type: 'string', group, global, describe: 'Payload bytes (at least 32: the bench header)', defaultDescription: '64' })
    .option('topic', { alias: 't', type: 'string', group, global, describe: 'Topic template: %i client number, %c client id', defaultDescription: 'mq/bench/%i' })
    .option('retain', { alias: 'r', type: 'boolean', group, global, describe: 'Publish retained messages' })
    .option('M', { type: 'string', group, global, describe: 'QoS 1/2 messages in flight per publisher (mosquitto takes 20 by default)', defaultDescription: '20' })
    .option('count', { type: 'string', group, global, describe: 'Instead of --duration: messages to publish in the measured window, over all publishers' });
}

/** Flags of the modes that send or receive messages. */
function messaging(yargs: Argv): Argv {
  const group = 'Load:';
  const global = false;
  return yargs
    .option('qos', { alias: 'q', type: 'string', group, global, describe: 'QoS of publishes and subscriptions: 0, 1 or 2', defaultDescription: '0' })
    .option('warmup', { type: 'string', group, global, describe: 'Seconds at the start left out of the results', defaultDescription: '0' })
    .option('drain', { type: 'string', group, global, describe: 'Seconds to wait at the end for acks and messages in flight', defaultDescription: '5' });
}

const command: CommandModule<Args> = {
  command: 'bench',
  describe: 'Benchmark a broker: throughput and latency percentiles',
  builder: (yargs, runNested) => {
    return control(messaging(publishing(common(connection(yargs), 'Publishers'))), 'Agents:')
      .option('subscribers', { type: 'string', group: 'Load:', global: false, describe: 'Subscribers, each receiving every publisher', defaultDescription: '1' })
      .command('pub', 'Publishers only: throughput and publish->ack latency', (y) => control(messaging(publishing(common(y, 'Publishers'))), 'Agents:')
        .example('$0 bench pub -c 100 --rate 10000 -q 1 --duration 30', '100 publishers, 10 000 msg/s in total, QoS 1, for 30 s')
        .example('$0 bench pub -c 1000 -I 1000 --connect-rate 200', '1000 devices sending once a second, connecting 200 per second'), runNested)
      .command('sub', 'Subscribers only: receive rate, end-to-end latency, loss of another run\'s messages', (y) => control(messaging(common(y, 'Subscribers')), 'Agents:')
        .option('topic', { alias: 't', type: 'string', group: 'Load:', global: false, describe: 'Filter template: %i client number, %c client id', defaultDescription: 'mq/bench/#' })
        .option('count', { type: 'string', group: 'Load:', global: false, describe: 'Instead of --duration: stop after receiving this many messages' })
        .example('$0 bench sub -t \'mq/bench/#\' --duration 0', 'Receive and check a separate `mq bench pub` until Ctrl-C'), runNested)
      .command('conn', 'Connections only: connect rate, CONNECT->CONNACK latency, drops', (y) => control(common(y, 'Connections'), 'Agents:')
        .example('$0 bench conn -c 5000 --connect-rate 500 --duration 60', 'Open 5000 connections at 500/s and hold them for a minute'), runNested)
      .command('agent', 'Run the clients of `mq bench ... --agents N` on this machine, run after run until Ctrl-C', (y) => control(y, 'Agent:')
        .option('name', { type: 'string', group: 'Agent:', global: false, describe: 'This agent\'s name in reports', defaultDescription: 'hostname-pid' })
        .example('$0 bench agent -h broker.lab', 'Wait for runs; the controller is `mq bench -h broker.lab --agents 3 ...` on any machine'), runNested)
      .command('merge <reports..>', 'Merge JSON reports of separately launched runs into one, exactly', (y) => y
        .positional('reports', { type: 'string', array: true, describe: 'Reports written by mq bench --json (- for stdin)' })
        .option('json', { type: 'boolean', group: 'Output:', global: false, describe: 'Write the merged JSON report to stdout' })
        .option('html', { type: 'string', group: 'Output:', global: false, describe: 'Write the merged HTML report to this file' })
        .example('$0 bench merge a.json b.json --json > all.json', 'One report of two runs started with the same --start-at'), runNested)
      .example('$0 bench', '10 publishers -> 1 subscriber, 1000 msg/s for 10 s: end-to-end latency percentiles')
      .example('$0 bench -c 4 --subscribers 2 --rate 20000 -q 1 --warmup 2 --json > report.json', 'A QoS 1 fan-out run with a JSON report')
      .example('$0 bench -h node1,node2 -c 100', 'Spread the clients over two nodes of a cluster')
      .example('$0 bench -c 300 --subscribers 3 --rate 30000 --agents 3 --json > report.json', 'Run over three `mq bench agent`s, one report');
  },
  async run(args, ctx) {
    // Loaded here: `mq bench --help` must not load MQTT.js or the worker code.
    const nested = String(args._[1] ?? '');
    if (nested === 'agent') {
      const { runAgentCommand } = await import('../bench/agent.js');
      return runAgentCommand(args, ctx);
    }
    if (nested === 'merge') {
      const { runMergeCommand } = await import('../bench/merge-run.js');
      return runMergeCommand(args, ctx);
    }
    const { runBenchCommand } = await import('../bench/run.js');
    const mode = NESTED[nested] ?? 'pubsub';
    await runBenchCommand(mode, args, ctx);
  },
};
export default command;
