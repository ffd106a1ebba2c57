import type { CommandModule } from '../context.js';
import { withOutputOptions } from '../output/options.js';
import { withConnectionOptions, type ConnectionArgs } from '../connection/options.js';
import { withSubscribeOptions } from '../mqtt/subscribe.js';
import type { SubArgs } from '../sub/options.js';

type Args = ConnectionArgs & Omit<SubArgs, 'topic' | 'filterOut' | 'unsubscribe' | 'where' | 'decode'> & {
  decode?: string | string[];
  topic?: string | string[];
  filterOut?: string | string[];
  unsubscribe?: string | string[];
  where?: string | string[];
};

const list = (value: string | string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map(String);

const command: CommandModule<Args> = {
  command: 'sub',
  describe: 'Subscribe and print messages (mosquitto_sub)',
  builder: (yargs) => {
    const group = 'Subscribe:';
    const filters = 'Filters:';
    const v5 = 'MQTT v5 subscription options:';
    const decoding = 'Payload codecs:';
    // Repeatable flags: array (every value kept) with nargs 1 (one word per flag, not greedy).
    // Empty groups first: yargs lists groups in the order they appear, and the command's own come first.
    withOutputOptions(withConnectionOptions(yargs.group([], group).group([], filters).group([], 'Output:').group([], decoding)))
      .option('topic', { array: true, nargs: 1, alias: 't', type: 'string', group, describe: 'Topic filter to subscribe to (repeatable)' })
      .option('qos', { alias: 'q', type: 'string', group, describe: 'QoS of the subscriptions: 0, 1 or 2', defaultDescription: '0' });
    withSubscribeOptions(yargs, group, {
      C: 'Exit after N messages (counted after -R, -T, --grep and --where)',
      W: 'Exit after this many seconds with "Timed out" (exit 27)',
      E: 'Exit once the subscriptions are acknowledged',
      R: 'Do not print retained messages (stale on subscribe)',
    })
      .option('retained-only', { type: 'boolean', group, describe: 'Print only retained messages; exit at the first fresh one' })
      .option('unsubscribe', { array: true, nargs: 1, alias: 'U', type: 'string', group, describe: 'Unsubscribe from this filter after subscribing (repeatable)' })
      .option('remove-retained', { type: 'boolean', group, describe: 'Clear every retained message received (publishes an empty retained message)' })
      .option('M', { type: 'string', group, describe: 'Removal publishes in flight at once (--remove-retained)', defaultDescription: '20' })
      .option('filter-out', { array: true, nargs: 1, alias: 'T', type: 'string', group: filters, describe: 'Do not print messages on topics matching this filter (repeatable)' })
      .option('grep', { type: 'string', group: filters, describe: 'Only messages whose payload matches this regular expression; (?i) ignores case' })
      .option('where', { array: true, nargs: 1, type: 'string', group: filters, describe: "Only JSON payloads where this holds, e.g. 'temp>30', 'status==alarm', '/a/0/b>=1' (repeatable: all must hold)" })
      .option('random-filter', { type: 'string', group: filters, describe: 'Print only this percentage of messages (0.1-100)' })
      .option('no-local', { type: 'boolean', group: v5, describe: 'Do not receive our own publishes' })
      .option('record', { type: 'boolean', group: 'Output:', describe: "Record for mq pub --replay: --json -q 2 --retain-as-published -V 5, all topics (#) unless -t" })
      .option('watch', { alias: 'w', type: 'boolean', group: 'Output:', describe: 'On a terminal: one line per topic, in topic order, rewritten in place as messages arrive' })
      .option('decode', { array: true, nargs: 1, type: 'string', group: decoding, describe: "Decode payloads to JSON: [FILTER=]CODEC, CODEC one of sparkplug, protobuf:FILE.proto[:pkg.Message], avro:FILE.avsc, cbor, msgpack, json; or auto (sparkplug on spBv1.0/ topics). Repeatable: the first matching filter wins" })
      .option('decode-errors', { type: 'string', group: decoding, describe: 'A payload that does not decode: warn (print it undecoded and go on) or fail (exit 1)', defaultDescription: 'warn' });
    return withSubscribeOptions(yargs, v5, { 'retain-as-published': 'Keep the retain flag as the publisher set it' })
      .option('retain-handling', { type: 'string', group: v5, describe: '0 send retained messages, 1 only for a new subscription, 2 never' })
      .example("$0 sub -t 'sensors/#' -v", 'Print the topic and payload of every message under sensors/')
      .example("$0 sub -t 'sensors/#' -C 1 -W 5", 'Wait up to 5 s for one message (exit 27 on timeout)')
      .example("$0 sub -t '#' --retained-only --remove-retained", 'Clear every retained message, then exit')
      .example("$0 sub -t 'sensors/#' --where 'temp>30' --json", 'Hot readings as NDJSON')
      .example("$0 sub -t 'logs/#' --grep '(?i)error' | head -n 1", 'The first error line, then exit quietly')
      .example("$0 sub -c -i logger -q 1 -t 'events/#'", 'A persistent session: nothing is missed between runs')
      .example('$0 sub --record > rec.ndjson', 'Record all traffic for mq pub --replay rec.ndjson')
      .example("$0 sub -t 'sensors/#' -w", 'The latest reading of every sensor, one line each, updated in place')
      .example("$0 sub -t '#' -v --decode auto --decode 'fleet/+/cbor=cbor'", 'Sparkplug B and CBOR payloads as JSON, everything else as it is');
  },
  async run(args, ctx) {
    // Loaded here: `mq sub --help` must not load MQTT.js.
    const { runSub } = await import('../sub/run.js');
    await runSub({
      ...args,
      topic: list(args.topic),
      filterOut: list(args.filterOut),
      unsubscribe: list(args.unsubscribe),
      where: list(args.where),
      decode: list(args.decode),
    }, ctx);
  },
};
export default command;
