import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashes in the formats mosquitto's password_file understands:
 *   $6$<salt>$<hash>                       SHA-512(password ‖ salt)             (mosquitto 1.x/2.x)
 *   $7$<iterations>$<salt>$<hash>          PBKDF2-HMAC-SHA512, 64-byte key      (mosquitto 2.0 default)
 *   $argon2id$v=19$m=..,t=..,p=..$<s>$<h>  libargon2's encoded form             (mosquitto 2.1 default)
 * $6$/$7$ use standard base64 with padding (OpenSSL BIO_f_base64); argon2id uses unpadded base64.
 */

export type HashAlgorithm = 'sha512' | 'sha512-pbkdf2' | 'argon2id';
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha512', 'sha512-pbkdf2', 'argon2id'];
export const DEFAULT_ALGORITHM: HashAlgorithm = 'sha512-pbkdf2';

/** PW_DEFAULT_ITERATIONS in mosquitto 2.0's src/password_mosq.h. */
export const DEFAULT_ITERATIONS = 101;
/** The broker stores iterations in an int (atoi). */
export const MAX_ITERATIONS = 2 ** 31 - 1;
/** mosquitto 2.0 brokers accept exactly 12-byte salts for $6$ and $7$ (2.1 also 64). */
export const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** mosquitto 2.1's argon2id parameters (libcommon/password_common.c). */
export const ARGON2ID_DEFAULTS = { memoryKiB: 47104, timeCost: 1, parallelism: 1, saltBytes: 64, hashBytes: 64 } as const;
/** Refuse to spend more than this verifying a line someone else wrote (4 GiB, the WASM limit). */
const ARGON2_MAX_MEMORY_KIB = 4 * 1024 * 1024;

/** mosquitto's limit for passwords (and usernames): less than 65536 bytes. */
export const MAX_PASSWORD_BYTES = 65535;

export type ParsedHash =
  | { type: 'sha512'; salt: Buffer; hash: Buffer }
  | { type: 'sha512-pbkdf2'; iterations: number; salt: Buffer; hash: Buffer }
  | { type: 'argon2id'; memoryKiB: number; timeCost: number; parallelism: number; salt: Buffer; hash: Buffer };

const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UNPADDED_BASE64 = /^[A-Za-z0-9+/]+$/;
const DECIMAL = /^[1-9][0-9]{0,9}$/;

/** Strict base64 decode: Buffer.from silently skips bad characters, which would hide a corrupt line. */
function decodeBase64(text: string, padded: boolean): Buffer | undefined {
  if (text === '') return undefined;
  if (padded ? !PADDED_BASE64.test(text) : !UNPADDED_BASE64.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

function positiveInt(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/** Parse the part after `user:`; undefined for anything that is not a hash we can verify (plaintext too). */
export function parseHash(encoded: string): ParsedHash | undefined {
  const fields = encoded.split('$');
  if (fields[0] !== '') return undefined;
  if (fields[1] === '6' && fields.length === 4) {
    const salt = decodeBase64(fields[2]!, true);
    const hash = decodeBase64(fields[3]!, true);
    if (!salt || hash?.length !== HASH_BYTES) return undefined;
    return { type: 'sha512', salt, hash };
  }
  if (fields[1] === '7' && fields.length === 5) {
    const iterations = positiveInt(fields[2], MAX_ITERATIONS);
    const salt = decodeBase64(fields[3]!, true);
    const hash = decodeBase64(fields[4]!, true);
    if (iterations === undefined || !salt || hash?.length !== HASH_BYTES) return undefined;
    return { type: 'sha512-pbkdf2', iterations, salt, hash };
  }
  if (fields[1] === 'argon2id' && fields.length === 6 && fields[2] === 'v=19') {
    const params = /^m=([0-9]+),t=([0-9]+),p=([0-9]+)$/.exec(fields[3]!);
    const memoryKiB = positiveInt(params?.[1], ARGON2_MAX_MEMORY_KIB);
    const timeCost = positiveInt(params?.[2], 2 ** 32 - 1);
    const parallelism = positiveInt(params?.[3], 2 ** 24 - 1);
    const salt = decodeBase64(fields[4]!, false);
    const hash = decodeBase64(fields[5]!, false);
    if (memoryKiB === undefined || timeCost === undefined || parallelism === undefined || !salt || !hash) return undefined;
    // libargon2's own minimums: memory >= 8 KiB per lane, salt >= 8 bytes, output >= 4 bytes.
    if (memoryKiB < 8 * parallelism || salt.length < 8 || hash.length < 4) return undefined;
    return { type: 'argon2id', memoryKiB, timeCost, parallelism, salt, hash };
  }
  return undefined;
}

function unpadded(buffer: Uint8Array): string {
  return Buffer.from(buffer).toString('base64').replace(/=+$/, '');
}

/** The encoded form of a parsed hash: exactly what mosquitto_passwd writes after `user:`. */
export function formatHash(parsed: ParsedHash): string {
  switch (parsed.type) {
    case 'sha512':
      return `$6$${parsed.salt.toString('base64')}$${parsed.hash.toString('base64')}`;
    case 'sha512-pbkdf2':
      return `$7$${parsed.iterations}$${parsed.salt.toString('base64')}$${parsed.hash.toString('base64')}`;
    case 'argon2id':
      return `$argon2id$v=19$m=${parsed.memoryKiB},t=${parsed.timeCost},p=${parsed.parallelism}$${unpadded(parsed.salt)}$${unpadded(parsed.hash)}`;
  }
}

const pbkdf2Async = promisify(pbkdf2);

/** A hash's parameters without the hash itself, plus the output length to compute. */
type DigestParams = ParsedHash extends infer T ? (T extends ParsedHash ? Omit<T, 'hash'> & { hashBytes: number } : never) : never;

async function digest(parsed: DigestParams, password: Buffer): Promise<Buffer> {
  switch (parsed.type) {
    case 'sha512':
      return createHash('sha512').update(password).update(parsed.salt).digest();
    case 'sha512-pbkdf2':
      return pbkdf2Async(password, parsed.salt, parsed.iterations, parsed.hashBytes, 'sha512');
    case 'argon2id': {
      // Loaded only here, so `mq passwd` with the default hash never runs the WASM module.
      const { argon2id } = await import('./argon2.js');
      const raw = await argon2id({
        password,
        salt: parsed.salt,
        iterations: parsed.timeCost,
        parallelism: parsed.parallelism,
        memorySize: parsed.memoryKiB,
        hashLength: parsed.hashBytes,
        outputType: 'binary',
      });
      return Buffer.from(raw);
    }
  }
}

function toBytes(password: string | Uint8Array): Buffer {
  return typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
}

export interface HashOptions {
  algorithm: HashAlgorithm;
  /** PBKDF2 iterations for sha512-pbkdf2 (default 101); ignored by the others. */
  iterations?: number;
  /** Only for known-answer tests: the salt is random otherwise. */
  salt?: Uint8Array;
}

/**
 * Hash a password the way mosquitto_passwd does. A string is hashed as its UTF-8 bytes; pass bytes to
 * hash them exactly (mq passwd -U does, for plaintext lines that are not UTF-8).
 */
export async function hashPassword(password: string | Uint8Array, options: HashOptions): Promise<string> {
  const bytes = toBytes(password);
  if (options.algorithm === 'argon2id') {
    const salt = Buffer.from(options.salt ?? randomBytes(ARGON2ID_DEFAULTS.saltBytes));
    const params = { type: 'argon2id' as const, memoryKiB: ARGON2ID_DEFAULTS.memoryKiB, timeCost: ARGON2ID_DEFAULTS.timeCost, parallelism: ARGON2ID_DEFAULTS.parallelism, salt };
    return formatHash({ ...params, hash: await digest({ ...params, hashBytes: ARGON2ID_DEFAULTS.hashBytes }, bytes) });
  }
  const salt = Buffer.from(options.salt ?? randomBytes(SALT_BYTES));
  if (options.algorithm === 'sha512') {
    const params = { type: 'sha512' as const, salt };
    return formatHash({ ...params, hash: await digest({ ...params, hashBytes: HASH_BYTES }, bytes) });
  }
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}, not ${iterations}`);
  }
  const params = { type: 'sha512-pbkdf2' as const, iterations, salt };
  return formatHash({ ...params, hash: await digest({ ...params, hashBytes: HASH_BYTES }, bytes) });
}

/**
 * Does `password` match `encoded` (the part after `user:` in a password file line)?
 * Unknown or malformed formats, plaintext included, never match. The comparison is constant-time.
 */
export async function verifyPassword(encoded: string, password: string | Uint8Array): Promise<boolean> {
  const parsed = parseHash(encoded.trim());
  if (!parsed) return false;
  let computed: Buffer;
  try {
    computed = await digest({ ...parsed, hashBytes: parsed.hash.length }, toBytes(password));
  } catch {
    return false; // e.g. argon2 parameters the WASM module cannot allocate
  }
  return computed.length === parsed.hash.length && timingSafeEqual(computed, parsed.hash);
}

/**
 * Why a mosquitto 2.0 broker would drop this hash (it logs an error and removes the user), or undefined
 * when 2.0 and later accept it.
 */
export function mosquitto20Problem(parsed: ParsedHash): string | undefined {
  if (parsed.type === 'argon2id') return 'argon2id hashes need mosquitto 2.1 or later';
  if (parsed.salt.length !== SALT_BYTES) return `mosquitto 2.0 only accepts ${SALT_BYTES}-byte salts, this one has ${parsed.salt.length} bytes (2.1 style)`;
  return undefined;
}
