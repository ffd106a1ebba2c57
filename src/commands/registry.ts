/**
 * Every command of mq: its line in `mq --help` and how to load it. run-cli.ts lists them all in the
 * help and loads only the one that runs, so `mq --help` and `mq passwd` never load MQTT.js; it
 * hands the registry to commands through the context (`mq completion` describes them all). The
 * bare names stay in ../command-names.ts, which imports nothing, for cli.ts's fast --version.
 */
import type { CommandRegistry } from '../context.js';

export const COMMANDS: CommandRegistry = {
  pub: { describe: 'Publish messages (mosquitto_pub)', load: () => import('./pub.js') },
  sub: { describe: 'Subscribe and print messages (mosquitto_sub)', load: () => import('./sub.js') },
  rr: { describe: 'Request/response: publish and print the reply (mosquitto_rr)', load: () => import('./rr.js') },
  passwd: { describe: 'Manage mosquitto password files (mosquitto_passwd)', load: () => import('./passwd.js') },
  bench: { describe: 'Benchmark a broker: throughput and latency percentiles', load: () => import('./bench.js') },
  broker: { describe: 'Run an MQTT broker for local work', load: () => import('./broker.js') },
  config: { describe: 'Show the resolved connection settings and where each came from', load: () => import('./config.js') },
  completion: { describe: 'Print a shell completion script (bash, zsh, fish)', load: () => import('./completion.js') },
};
