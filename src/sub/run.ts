import { connect, sessionOptions } from '../connection/connect.js';
import type { ConnectionArgs } from '../connection/options.js';
import { resolveSettings } from '../connection/prepare.js';
import { parseProperties } from '../connection/properties.js';
import type { Context } from '../context.js';
import { validateFormat } from '../output/format.js';
import { planSubscription, type SubArgs } from './options.js';
import { createSubscriber } from './session.js';

/** `mq sub`: validate everything, connect (reconnecting after losses), subscribe, print. */
export async function runSub(args: ConnectionArgs & SubArgs, ctx: Context): Promise<void> {
  const properties = parseProperties(args.property as string[] | undefined);
  const resolved = await resolveSettings(args, ctx, {
    forceV5: args.property !== undefined || args.sessionExpiry !== undefined,
  });
  const { settings } = resolved;
  const plan = planSubscription(args, {
    protocolVersion: settings.protocolVersion,
    ...(settings.topic !== undefined ? { urlTopic: settings.topic } : {}),
  });
  if (plan.output.format !== undefined) validateFormat(plan.output.format);
  const session = sessionOptions(args, resolved, properties, { receiveMaximum: plan.receiveMaximum, pid: process.pid });
  for (const warning of plan.warnings) ctx.ui.warn(warning);

  const color = ctx.ui.stdoutColor.level > 0 ? ctx.ui.stdoutColor : undefined;
  const subscriber = createSubscriber(plan, { stdout: ctx.io.stdout, ui: ctx.ui, ...(color ? { color } : {}) });
  const connection = await connect(settings, session, ctx.ui, { reconnect: true, onClient: subscriber.attach });
  await subscriber.run(connection, ctx.interrupted());
}
