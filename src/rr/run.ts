/**
 * `mq rr`: check the flags, load the payload, connect (MQTT v5 unless told otherwise), then ask
 * (the default) or answer (--respond).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { connect, sessionOptions } from '../connection/connect.js';
import { resolveSettings } from '../connection/prepare.js';
import { parseProperties } from '../connection/properties.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { InputTooLargeError, readAll } from '../input/whole.js';
import { validateFormat } from '../output/format.js';
import { MAX_REMAINING_LENGTH } from '../pub/payload.js';
import { planRr, type PayloadSource, type RrArgs } from './options.js';
import { runRequester } from './requester.js';
import { runResponder } from './responder.js';

export async function runRr(args: RrArgs, ctx: Context): Promise<void> {
  const { ui } = ctx;
  const properties = parseProperties(args.property as string[] | undefined);
  const resolved = await resolveSettings(args, ctx, {
    defaults: { protocolVersion: 5 },
    forceV5: args.property !== undefined || args.sessionExpiry !== undefined,
  });
  const { settings } = resolved;
  const plan = planRr(args, {
    protocolVersion: settings.protocolVersion,
    ...(settings.topic !== undefined ? { urlTopic: settings.topic } : {}),
  });
  if (plan.output.format !== undefined) validateFormat(plan.output.format);
  for (const warning of plan.warnings) ui.warn(warning);
  // Input problems are found before connecting.
  const payload = await loadPayload(plan.source, ctx);
  const session = sessionOptions(args, resolved, properties, { receiveMaximum: plan.receiveMaximum, pid: process.pid });

  const connection = await connect(settings, session, ui);
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
    case 'file': {
      const full = path.resolve(ctx.io.cwd(), source.path);
      try {
        const info = await stat(full);
        if (info.isDirectory()) throw new UsageError(`Cannot read -f ${source.path}: it is a directory.`);
        // Refuse before reading: the file might be huge.
        if (info.isFile() && info.size > MAX_REMAINING_LENGTH) {
          throw new UsageError(`-f ${source.path} is ${info.size} bytes; an MQTT message holds less than ${MAX_REMAINING_LENGTH} bytes.`);
        }
        return await readFile(full);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
        throw new UsageError(`Cannot read -f ${source.path}: ${why}.`);
      }
    }
    case 'stdin': {
      let bytes: Buffer;
      try {
        bytes = await readAll(ctx.io.stdin as AsyncIterable<Buffer>, MAX_REMAINING_LENGTH);
      } catch (error) {
        if (error instanceof InputTooLargeError) throw new UsageError(`The input on stdin (-s) is larger than an MQTT message can hold (${MAX_REMAINING_LENGTH} bytes).`);
        throw error;
      }
      if (bytes.length === 0) throw new UsageError('Zero length input on stdin (-s): nothing to send. Use -n to send an empty message.');
      return bytes;
    }
  }
}
