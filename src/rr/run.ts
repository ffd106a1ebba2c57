/**
 * `mq rr`: check the flags, load the payload, connect (MQTT v5 unless told otherwise), then ask
 * (the default) or answer (--respond).
 */
import { prepareConnection } from '../connection/prepare.js';
import type { Context } from '../context.js';
import { readMessageFile, readMessageStdin } from '../input/whole.js';
import { validateFormat } from '../output/format.js';
import { MAX_REMAINING_LENGTH } from '../input/payload.js';
import { planRr, type PayloadSource, type RrArgs } from './options.js';
import { runRequester } from './requester.js';
import { runResponder } from './responder.js';

export async function runRr(args: RrArgs, ctx: Context): Promise<void> {
  const { ui } = ctx;
  const prepared = await prepareConnection(args, ctx, { protocolVersion: 5 });
  const { settings } = prepared;
  const plan = planRr(args, {
    protocolVersion: settings.protocolVersion,
    ...(settings.topic !== undefined ? { urlTopic: settings.topic } : {}),
  });
  if (plan.output.format !== undefined) validateFormat(plan.output.format);
  for (const warning of plan.warnings) ui.warn(warning);
  // Input problems are found before connecting.
  const payload = await loadPayload(plan.source, ctx);
  const connection = await prepared.connect({ receiveMaximum: plan.receiveMaximum });
  const color = ui.stdoutColor.level > 0 ? ui.stdoutColor : undefined;
  const io = { stdout: ctx.io.stdout, ui, ...(color ? { color } : {}), interrupted: ctx.interrupted() };
  if (plan.mode === 'request') await runRequester(plan, payload!, connection, io);
  else await runResponder(plan, payload, connection, { ...io, stderr: ctx.io.stderr, env: ctx.env, cwd: ctx.io.cwd() });
}

/** The payload of -m, -f, -s or -n (undefined for --exec, which makes one per request). */
async function loadPayload(source: PayloadSource, ctx: Context): Promise<Buffer | undefined> {
  switch (source.kind) {
    case 'message': return source.payload;
    case 'null': return Buffer.alloc(0);
    case 'exec': return undefined;
    case 'file': return readMessageFile(source.path, ctx.io.cwd(), MAX_REMAINING_LENGTH);
    case 'stdin': return readMessageStdin(ctx.io.stdin as AsyncIterable<Buffer>, MAX_REMAINING_LENGTH, MAX_REMAINING_LENGTH);
  }
}
