import { fstatSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import v8 from 'node:v8';
import type { ConnectionArgs } from '../connection/options.js';
import type { Context } from '../context.js';
import { brokerLabel } from '../connection/errors.js';
import { UsageError } from '../errors.js';
import { validateFormat } from '../output/format.js';
import { parseDecodeSetting, type DecodeRule } from '../codecs/spec.js';
import { planSubscription, recordArgs, type SubArgs } from './options.js';
import { createSubscriber } from './session.js';

/** `mq sub`: validate everything, connect (reconnecting after losses), subscribe, print. */
export async function runSub(given: ConnectionArgs & SubArgs, ctx: Context): Promise<void> {
  capYoungGeneration();
  const args = recordArgs(given);
  // --record means MQTT v5 (properties, retain as published) unless -V says otherwise.
  const prepared = await ctx.connect(args, args.record ? { protocolVersion: 5 } : undefined);
  const { settings } = prepared;
  const plan = planSubscription(args, {
    protocolVersion: settings.protocolVersion,
    ...(settings.topic !== undefined ? { urlTopic: settings.topic } : {}),
    cwd: process.cwd(),
    ...(prepared.resolved.rcDecode ? { rcDecode: rcDecodeRules(prepared.resolved.rcDecode) } : {}),
  });
  if (plan.output.format !== undefined) validateFormat(plan.output.format);
  if (plan.watch && !ctx.io.stdout.isTTY) {
    throw new UsageError('-w/--watch rewrites lines in place and needs a terminal, but standard output is not one; use -v to print every message as a line.');
  }
  for (const warning of plan.warnings) ctx.ui.warn(warning);
  // The codecs (and their schema files) are loaded before connecting: a bad .proto stops us here.
  const decoder = plan.decode.length > 0 ? await (await import('../codecs/use.js')).loadMessageDecoder(plan.decode) : undefined;

  const color = ctx.ui.stdoutColor.level > 0 && !plan.watch ? ctx.ui.stdoutColor : undefined;
  const subscriber = createSubscriber(plan, {
    stdout: ctx.io.stdout, ui: ctx.ui, ...(color ? { color } : {}), ...(decoder ? { decoder } : {}),
    // Into a file (a recording), each line is written as it comes: a crash loses at most the line being written.
    lineByLine: isRegularFile(ctx.io.stdout as { fd?: unknown }),
    ...(plan.watch ? { watchHeader: `Broker: ${brokerLabel(settings)}` } : {}),
  });
  const connection = await prepared.connect({ reconnect: true, receiveMaximum: plan.receiveMaximum, onClient: subscriber.attach });
  await subscriber.run(connection, ctx.interrupted());
}

function isRegularFile(stream: { fd?: unknown }): boolean {
  if (typeof stream.fd !== 'number') return false;
  try {
    return fstatSync(stream.fd).isFile();
  } catch {
    return false;
  }
}

/**
 * A stream of messages makes V8 grow its young generation step by step up to 32 MB: most of the
 * difference between an idle and a busy subscriber (about 80 vs 108 MB RSS at 100 000 msg/s).
 * Kept at its initial 2 MB, too many QoS 1 acks (pending socket writes) live through two
 * collections and pile up in the old generation until a full collection (120 MB after a million
 * messages). At 8 MB both stay flat (about 85 MB), so growth stops there: the growth factor is read
 * at each resize, so setting it to 1 then freezes the size. Only on V8 versions known to have the
 * flag (an unknown flag makes V8 print an error).
 */
function capYoungGeneration(maxBytes = 8 * 1024 * 1024): void {
  const major = Number(process.versions.v8.split('.')[0]);
  if (!(major >= 10 && major <= 13)) return;
  const observer = new PerformanceObserver(() => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (!young || young.space_size < maxBytes) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** The rc file's `decode` map; its schema paths are relative to the rc file's folder. */
function rcDecodeRules(rc: { value: unknown; file: string }): DecodeRule[] {
  return parseDecodeSetting(rc.value, path.dirname(rc.file), `"decode" in ${rc.file}`);
}
