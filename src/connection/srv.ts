import { promises as dns } from 'node:dns';
import { ConnectionError, UsageError } from '../errors.js';
import type { Resolved } from './resolve.js';
import type { ConnectionSettings } from './settings.js';

/**
 * -S: find the broker through DNS SRV records, as mosquitto's clients do (when built with SRV):
 * `_secure-mqtt._tcp.HOST` when the connection uses TLS, else `_mqtt._tcp.HOST`; one target is
 * chosen by priority and weight (RFC 2782) and its name and port replace -h and -p.
 */

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** The SRV name to look up for these settings. Pure. */
export function srvQuery(settings: Pick<ConnectionSettings, 'host' | 'transport'>): string {
  const tls = settings.transport === 'mqtts' || settings.transport === 'wss';
  return `_${tls ? 'secure-mqtt' : 'mqtt'}._tcp.${settings.host.replace(/\.$/, '')}`;
}

/**
 * RFC 2782's choice: the records of the lowest priority, those of weight 0 first; a random whole
 * number from 0 to the sum of their weights; the first record whose running sum of weights reaches
 * it. `random` returns a number in [0, 1). Undefined for no records. Pure but for `random`.
 */
export function chooseSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord | undefined {
  if (records.length === 0) return undefined;
  const lowest = Math.min(...records.map((r) => r.priority));
  const group = records.filter((r) => r.priority === lowest).sort((a, b) => Number(a.weight > 0) - Number(b.weight > 0));
  const total = group.reduce((sum, r) => sum + r.weight, 0);
  const pick = Math.min(total, Math.floor(random() * (total + 1)));
  let running = 0;
  for (const record of group) {
    running += record.weight;
    if (running >= pick) return record;
  }
  return group[group.length - 1];
}

/** What -S needs from DNS: a resolver (tests give their own servers through MQ_DNS_SERVERS). */
export type SrvResolver = (query: string) => Promise<SrvRecord[]>;

/** Node's resolver, asking `servers` (host[:port], comma-separated) instead of the system's when given. */
export function systemResolver(servers?: string): SrvResolver {
  const resolver = new dns.Resolver({ timeout: 3000, tries: 2 });
  if (servers !== undefined && servers.trim() !== '') {
    try {
      resolver.setServers(servers.split(',').map((s) => s.trim()).filter(Boolean));
    } catch (error) {
      throw new UsageError(`Invalid MQ_DNS_SERVERS "${servers}": give addresses such as 127.0.0.1 or 127.0.0.1:5353, comma-separated (${(error as Error).message}).`);
    }
  }
  return (query) => resolver.resolveSrv(query);
}

/**
 * Look the SRV record up and point the settings at its target: host and port change, with the
 * query as their source. No record is one line naming the query (exit 1).
 */
export async function applySrv(resolved: Resolved, resolve: SrvResolver, random?: () => number): Promise<void> {
  const { settings } = resolved;
  if (settings.unix !== undefined) throw new UsageError('-S looks up a host name; it cannot be used with --unix.');
  const query = srvQuery(settings);
  let records: SrvRecord[];
  try {
    records = await resolve(query);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENODATA' || code === 'ENOTFOUND' || code === 'NXDOMAIN') records = [];
    else throw new ConnectionError(`The SRV lookup of ${query} (-S) failed: ${code || (error as Error).message}.`, { hint: 'Check the DNS server, or connect with -h and -p instead.', cause: error });
  }
  const usable = records.filter((r) => r.name !== '' && r.name !== '.');
  const chosen = chooseSrv(usable, random);
  if (!chosen) {
    const why = records.length > 0 ? 'its record says the service is not offered there' : 'no SRV record';
    throw new ConnectionError(`-S: ${why} for ${query}.`, { hint: `Publish an SRV record for ${query}, or connect with -h and -p instead.` });
  }
  settings.host = chosen.name.replace(/\.$/, '');
  settings.port = chosen.port;
  resolved.sources.host = { kind: 'srv', query };
  resolved.sources.port = { kind: 'srv', query };
}
