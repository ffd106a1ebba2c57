/**
 * `mq rr`: check the flags, load the payload, connect (MQTT v5 unless told otherwise), then ask
 * (the default) or answer (--respond).
 */
import type { Context } from '../context.js';
import { loadPayload } from '../input/whole.js';
import { validateFormat } from '../output/format.js';
import { planRr, type RrArgs } from './options.js';
import { runRequester } from './requester.js';
import { runResponder } from './responder.js';

export async function runRr(args: RrArgs, ctx: Context): Promise<void> {
  const { ui } = ctx;
  const prepared = await ctx.connect(args, { protocolVersion: 5 });
  const { settings } = prepared;
  const plan = planRr(args, {
    protocolVersion: settings.protocolVersion,
    ...(settings.topic !== undefined ? { urlTopic: settings.topic } : {}),
  });
  if (plan.output.format !== undefined) validateFormat(plan.output.format);
  for (const warning of plan.warnings) ui.warn(warning);
  // Input problems are found before connecting.
  const payload = plan.source.kind === 'exec' ? undefined : await loadPayload(plan.source, 'utf8', ctx.io);
  const connection = await prepared.connect({ receiveMaximum: plan.receiveMaximum });
  const color = ui.stdoutColor.level > 0 ? ui.stdoutColor : undefined;
  const io = { stdout: ctx.io.stdout, ui, ...(color ? { color } : {}), interrupted: ctx.interrupted() };
  if (plan.mode === 'request') await runRequester(plan, payload!, connection, io);
  else await runResponder(plan, payload, connection, { ...io, stderr: ctx.io.stderr, env: ctx.env, cwd: ctx.io.cwd() });
}
