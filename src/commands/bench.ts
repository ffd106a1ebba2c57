import type { Argv } from 'yargs';
import type { CommandModule } from '../context.js';
import { withConnectionOptions, type ConnectionArgs } from '../connection/options.js';
import type { BenchFlags, BenchMode } from '../bench/plan.js';

type Args = ConnectionArgs & Omit<BenchFlags, 'idPrefix'> & {
  _: (string | number)[];
  /** -L, repeatable here: one broker per URL. */
  url?: string | string[];
  json?: boolean;
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
    .option('json', { type: 'boolean', group, global, describe: 'Write the JSON report (configuration, system, counters, percentiles) to stdout' });
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
    return messaging(publishing(common(connection(yargs), 'Publishers')))
      .option('subscribers', { type: 'string', group: 'Load:', global: false, describe: 'Subscribers, each receiving every publisher', defaultDescription: '1' })
      .command('pub', 'Publishers only: throughput and publish->ack latency', (y) => messaging(publishing(common(y, 'Publishers')))
        .example('$0 bench pub -c 100 --rate 10000 -q 1 --duration 30', '100 publishers, 10 000 msg/s in total, QoS 1, for 30 s')
        .example('$0 bench pub -c 1000 -I 1000 --connect-rate 200', '1000 devices sending once a second, connecting 200 per second'), runNested)
      .command('sub', 'Subscribers only: receive rate, end-to-end latency, loss of another run\'s messages', (y) => messaging(common(y, 'Subscribers'))
        .option('topic', { alias: 't', type: 'string', group: 'Load:', global: false, describe: 'Filter template: %i client number, %c client id', defaultDescription: 'mq/bench/#' })
        .option('count', { type: 'string', group: 'Load:', global: false, describe: 'Instead of --duration: stop after receiving this many messages' })
        .example('$0 bench sub -t \'mq/bench/#\' --duration 0', 'Receive and check a separate `mq bench pub` until Ctrl-C'), runNested)
      .command('conn', 'Connections only: connect rate, CONNECT->CONNACK latency, drops', (y) => common(y, 'Connections')
        .example('$0 bench conn -c 5000 --connect-rate 500 --duration 60', 'Open 5000 connections at 500/s and hold them for a minute'), runNested)
      .example('$0 bench', '10 publishers -> 1 subscriber, 1000 msg/s for 10 s: end-to-end latency percentiles')
      .example('$0 bench -c 4 --subscribers 2 --rate 20000 -q 1 --warmup 2 --json > report.json', 'A QoS 1 fan-out run with a JSON report')
      .example('$0 bench -h node1,node2 -c 100', 'Spread the clients over two nodes of a cluster');
  },
  async run(args, ctx) {
    // Loaded here: `mq bench --help` must not load MQTT.js or the worker code.
    const { runBenchCommand } = await import('../bench/run.js');
    const mode = NESTED[String(args._[1] ?? '')] ?? 'pubsub';
    await runBenchCommand(mode, args, ctx);
  },
};
export default command;
