import type { CommandModule } from '../context.js';
import { withOutputOptions } from '../output/options.js';
import { withConnectionOptions } from '../connection/options.js';
import { REPEATED_SOURCES, withMessageOptions } from '../input/sources.js';
import { withSubscribeOptions } from '../mqtt/subscribe.js';
import type { RrArgs } from '../rr/options.js';

const command: CommandModule<RrArgs> = {
  command: 'rr',
  describe: 'Request/response: publish and print the reply (mosquitto_rr)',
  // Two message sources are an error, even -m twice, as in mosquitto_rr.
  keepRepeats: [...REPEATED_SOURCES, 'exec'],
  builder: (yargs) => {
    const request = 'Request:';
    const respond = 'Responder:';
    // Empty groups first: yargs lists groups in the order they appear, and the command's own come first.
    withOutputOptions(withConnectionOptions(yargs.group([], request).group([], 'Output:').group([], respond)))
      .usage('$0 rr -t TOPIC [-e RESPONSE_TOPIC] (-m TEXT | -f FILE | -s | -n) [options]\n' +
        '$0 rr --respond -t FILTER (-m TEXT | -f FILE | -s | -n | --exec COMMAND) [options]\n\n' +
        'Send a request and print the response to it (MQTT v5 by default): subscribe to the response topic, publish ' +
        'the request with response-topic and correlation-data, print the first response carrying that correlation data. ' +
        'With --respond, answer requests instead.')
      .option('topic', { alias: 't', type: 'string', group: request, describe: 'Topic to send the request to (--respond: the filter to answer requests on)' })
      .option('response-topic', { alias: 'e', type: 'string', group: request, describe: 'Topic the response is expected on', defaultDescription: 'mq/rr/<random> (MQTT v5)' });
    withMessageOptions(yargs, request, {
      message: 'The request (--respond: the response) text',
      file: 'Send this file (binary-safe)',
      'stdin-file': 'Send all of stdin',
      'null-message': 'Send an empty message',
    })
      .option('qos', { alias: 'q', type: 'string', group: request, describe: 'QoS of the request and of the response subscription: 0, 1 or 2', defaultDescription: '0' })
      .option('correlation-data', { type: 'string', group: request, describe: 'Correlation data to send; only responses carrying it back are printed', defaultDescription: '32 random hex digits' });
    return withSubscribeOptions(yargs, request, {
      C: { describe: 'Wait for this many responses (--respond: exit after answering this many requests)', defaultDescription: '1' },
      W: 'Give up after this many seconds with "Timed out" (exit 27)',
      R: 'Ignore retained messages (always done: they cannot answer a new request)',
      'retain-as-published': 'Subscribe with retain-as-published (MQTT v5)',
    })
      .option('M', { type: 'string', group: request, describe: 'QoS 1/2 messages awaiting acknowledgement at most (--respond: responses in flight)', defaultDescription: '20' })
      .option('respond', { type: 'boolean', group: respond, describe: 'Answer requests on -t instead of sending one; prints each request as mq sub would' })
      .option('exec', { type: 'string', group: respond, describe: 'With --respond: run this shell command per request, the request on its stdin; its stdout is the response' })
      .example("$0 rr -t svc/time -m now -W 5", 'Ask and print the answer; exit 27 if none comes within 5 s')
      .example("$0 rr -t svc/echo -e me/replies -f request.json --json", 'A request from a file, the response as JSON')
      .example("$0 rr --respond -t svc/echo -m pong", 'Answer every request on svc/echo with "pong"')
      .example("$0 rr --respond -t 'svc/upper' --exec 'tr a-z A-Z'", 'Answer each request with a command\'s output')
      .example("$0 rr --respond -t 'svc/#' -e replies -V 311 -m ok", 'Answer MQTT 3.1.1 requesters, who cannot name a response topic');
  },
  async run(args, ctx) {
    // Loaded here: `mq rr --help` must not load MQTT.js.
    const { runRr } = await import('../rr/run.js');
    await runRr(args, ctx);
  },
};
export default command;
