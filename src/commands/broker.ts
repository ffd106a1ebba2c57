import type { CommandModule } from '../context.js';
import { LOG_TYPE_NAMES } from '../broker/log-types.js';
import type { BrokerRunArgs } from '../broker/run.js';

const command: CommandModule<BrokerRunArgs> = {
  command: 'broker',
  describe: 'Run an MQTT broker for local work',
  builder: (yargs) =>
    yargs
      .usage('$0 broker [options]\n\nRun an MQTT 3.1, 3.1.1 and 5 broker (aedes) for local work. Retained messages and QoS 1/2 sessions\n' +
        'are kept in memory only: they are lost when the broker stops. SIGHUP reloads the password file.')
      .option('port', { alias: 'p', type: 'string', describe: 'Port of the MQTT listener (0 picks a free one)', defaultDescription: '1883' })
      .option('host', { type: 'string', describe: 'Address to listen on; 0.0.0.0 opens it to the network', defaultDescription: '127.0.0.1 (this machine only)' })
      .option('password-file', { type: 'string', normalize: true, describe: 'mosquitto password file ($6$, $7$, argon2id; made by mq passwd or mosquitto_passwd)' })
      .option('allow-anonymous', { type: 'boolean', describe: 'Let clients in without a username (--allow-anonymous false to refuse them)', defaultDescription: 'on only without --password-file' })
      .option('cert', { type: 'string', normalize: true, group: 'TLS:', describe: 'Server certificate (PEM); with --key adds a TLS listener' })
      .option('key', { type: 'string', normalize: true, group: 'TLS:', describe: 'Private key of the server certificate (PEM)' })
      .option('cafile', { type: 'string', normalize: true, group: 'TLS:', describe: 'Require client certificates signed by this CA (mutual TLS)' })
      .option('tls-port', { type: 'string', group: 'TLS:', describe: 'Port of the TLS listener', defaultDescription: '8883' })
      .option('psk-file', { type: 'string', normalize: true, group: 'TLS:', describe: "TLS-PSK keys, identity:hexkey per line (mosquitto's psk_file); with or without --cert" })
      .option('psk-hint', { type: 'string', group: 'TLS:', describe: 'PSK identity hint the TLS listener sends (mosquitto\'s psk_hint)' })
      .option('ws-port', { type: 'string', describe: 'Also listen for MQTT over WebSocket on this port' })
      .option('max-connections', { type: 'string', group: 'Limits:', describe: 'Connections each listener takes at once; more are closed at once (-1 = no limit)', defaultDescription: 'no limit' })
      .option('max-packet-size', { type: 'string', group: 'Limits:', describe: 'Largest packet a client may send, in bytes; a larger one disconnects it (0 = no limit)', defaultDescription: 'no limit' })
      .option('max-inflight-messages', { type: 'string', group: 'Limits:', describe: 'QoS 2 messages a client may have in flight; one more disconnects it (0 = no limit)', defaultDescription: '20' })
      .option('connect-timeout', { type: 'string', group: 'Limits:', describe: 'Seconds a new connection has to send its CONNECT', defaultDescription: '10' })
      .option('config-file', { alias: 'c', type: 'string', normalize: true, describe: 'Read listener, allow_anonymous, password_file, certfile/keyfile/cafile, max_* limits and log_type from a mosquitto.conf' })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'Log connects, disconnects, subscriptions and refused logins on stderr (every log type but debug)' })
      .option('log-type', {
        type: 'string', array: true, nargs: 1, choices: LOG_TYPE_NAMES,
        describe: "Log this mosquitto log_type on stderr (repeatable); debug adds mosquitto's line for every MQTT packet",
      })
      .example('$0 broker', 'A broker on 127.0.0.1:1883 for anyone on this machine')
      .example('$0 passwd -c users.txt alice && $0 broker --password-file users.txt -v', 'Only alice may connect; log who comes and goes')
      .example('$0 broker --cert server.crt --key server.key --ws-port 8080', 'Also TLS on 8883 and WebSocket on 8080')
      .example('$0 broker -c /etc/mosquitto/mosquitto.conf', 'The listeners and users of an existing mosquitto setup')
      .example('$0 broker --log-type all', "Log every packet in mosquitto's words, as log_type all does"),

  async run(args, ctx) {
    // Loaded here: `mq broker --help` must not load aedes or read any file.
    const { runBroker } = await import('../broker/run.js');
    await runBroker(args, ctx);
  },
};
export default command;
