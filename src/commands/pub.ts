import type { Argv } from 'yargs';
import { withConnectionOptions } from '../connection/options.js';
import type { CommandModule } from '../context.js';
import { REPEATED_SOURCES, withMessageOptions } from '../input/sources.js';
import type { PubArgs } from '../pub/options.js';

const message = 'Message:';
const lines = 'Lines (-l):';
const properties = 'MQTT v5 properties:';
const replay = 'Replay (--replay):';

const command: CommandModule<PubArgs> = {
  command: 'pub',
  describe: 'Publish messages (mosquitto_pub)',
  // Two message sources are an error, even -m twice (mosquitto: "Only one type of message can be sent at once").
  keepRepeats: [...REPEATED_SOURCES, 'replay'],
  // The message flags first, so --help shows them before the connection flags every command shares.
  builder: (yargs: Argv) => {
    yargs
      .usage('$0 pub -t TOPIC (-m TEXT | -f FILE | -s | -l | -n) [options]\n$0 pub --replay FILE [options]\n\nPublish one message, or one per line of stdin, and wait until the broker has every QoS 1/2 message.')
      .option('topic', { alias: 't', type: 'string', array: true, nargs: 1, group: message, describe: 'Topic to publish to (repeat -t to publish to several)' });
    withMessageOptions(yargs, message, {
      message: 'The message text',
      file: 'Send the whole file as the message (binary-safe)',
      'stdin-file': 'Send all of stdin as one message',
      'stdin-line': 'Send each line of stdin as a message, as it arrives',
      'null-message': 'Send a zero-length message',
    })
      .option('replay', { type: 'string', nargs: 1, group: message, describe: 'Republish a recording (mq sub --record, - for stdin) with its timing' })
      .option('qos', { alias: 'q', type: 'string', group: message, describe: 'Quality of service: 0, 1 or 2 (with --replay: instead of the recorded one)', defaultDescription: '0' })
      .option('retain', { alias: 'r', type: 'boolean', group: message, describe: 'Ask the broker to retain the message' })
      .option('repeat', { type: 'string', group: message, describe: 'Publish the message this many times', defaultDescription: '1' })
      .option('repeat-delay', { type: 'string', group: message, describe: 'Seconds to wait after each completed publish when repeating', defaultDescription: '0' })
      .option('encoding', { type: 'string', group: message, describe: 'Decode -m/-f/-s/-l text as hex or base64 into binary payloads' })
      .option('encode', { type: 'string', group: message, describe: 'Encode JSON input (-m, -f, -s, each -l line, each NDJSON payload) as sparkplug, protobuf:FILE.proto[:pkg.Message], avro:FILE.avsc, cbor, msgpack or json' })
      .option('M', { type: 'string', group: message, describe: 'QoS 1/2 messages awaiting acknowledgement at most', defaultDescription: '20' })
      .option('line-format', { type: 'string', group: lines, describe: 'text: each line is a payload; json: each line is {"topic","payload","qos","retain","properties","encoding"}', defaultDescription: 'text' })
      .option('on-error', { type: 'string', group: lines, describe: 'A line that cannot be published: stop, or skip it with a warning', defaultDescription: 'stop' })
      .option('speed', { type: 'string', group: replay, describe: 'Play faster (2) or slower (0.5); 0 = as fast as the broker takes them', defaultDescription: '1' })
      .option('loop', { type: 'string', group: replay, describe: 'Play the recording N times; 0 = forever', defaultDescription: '1' })
      .option('skip', { type: 'string', group: replay, describe: 'Start after line N (the resume line Ctrl-C prints)', defaultDescription: '0' })
      .option('topic-prefix', { type: 'string', group: replay, describe: 'Put this in front of every topic (replay/ turns rec/a into replay/rec/a)' })
      .option('rewrite', { type: 'string', array: true, nargs: 1, group: replay, describe: "Topic rule FROM=TO, e.g. 'rec/#=rw/#' (repeatable; the first match wins)" })
      .option('no-retain', { type: 'boolean', group: replay, describe: 'Clear the retain flag of every message' })
      .option('content-type', { type: 'string', group: properties, describe: 'Content type (= -D publish content-type)' })
      .option('correlation-data', { type: 'string', group: properties, describe: 'Correlation data (= -D publish correlation-data)' })
      .option('message-expiry', { alias: 'message-expiry-interval', type: 'string', group: properties, describe: 'Seconds until the broker discards the message' })
      .option('payload-format-indicator', { type: 'boolean', group: properties, describe: 'Mark the payload as UTF-8 text' })
      .option('response-topic', { type: 'string', group: properties, describe: 'Response topic (= -D publish response-topic)' })
      .option('topic-alias', { type: 'string', group: properties, describe: 'Topic alias: later messages carry only the number' })
      .option('user-property', { type: 'string', array: true, nargs: 1, group: properties, describe: 'User property name=value (repeatable)' });
    return withConnectionOptions(yargs)
      .example('$0 pub -t sensors/temp -m 21.5', 'Publish one message')
      .example('$0 pub -t cfg/site -f site.json -q 1 -r', 'Publish a file as a retained QoS 1 message')
      .example('tail -F app.log | $0 pub -t logs/app -l -q 1', 'One message per line, none lost if the broker restarts')
      .example('$0 pub -l --line-format json < events.ndjson', 'Each line names its topic: {"topic":"a/b","payload":"..."}')
      .example('$0 pub -t raw -m 00ff10 --encoding hex', 'Publish the bytes 00 ff 10')
      .example('$0 pub -t fleet/7 -m \'{"temp":21.5}\' --encode cbor', 'Publish JSON as a CBOR payload')
      .example('$0 pub --replay rec.ndjson --speed 2 --topic-prefix replay/', 'Play a recording (mq sub --record) twice as fast under replay/')
      .example('$0 pub -t t -m hi -V 5 --content-type text/plain --user-property site=north', 'MQTT v5 properties');
  },
  async run(args, ctx) {
    const { runPub } = await import('../pub/run.js');
    await runPub(args, ctx);
  },
};
export default command;
