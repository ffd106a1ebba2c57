import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatHash,
  hashPassword,
  mosquitto20Problem,
  parseHash,
  verifyPassword,
} from '../../src/passwd/hash.js';

const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i));

// Known answers. $6$ lines: mosquitto's own test fixtures (reference §4.4). $7$: PBKDF2 via Python hashlib,
// accepted by a real mosquitto 2.0.11. argon2id 47104/1/1: libargon2 (Debian libargon2-1, argon2id_hash_encoded)
// with mosquitto 2.1's parameters. The m=65536/256 lines: phc-winner-argon2's src/test.c.
const KNOWN: { name: string; encoded: string; password: string }[] = [
  { name: '$6$ test', encoded: '$6$njERlZMi/7DzNB9E$iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==', password: 'test' },
  { name: '$6$ empty password', encoded: '$6$o+53eGXtmlfHeYrg$FY7X9DNQ4uU1j0NiPmGOOSU05ZSzhqNmNhXIof/0nLpVb1zDhcRHdaC72E3YryH7dtTiG/r6jH6C8J+30cZBgA==', password: '' },
  { name: '$6$ password', encoded: '$6$Ut1cUS9PG8+gC3vn$tOjCfSJJDe1Alu9HktxxyyzwN4+6mAMSWGRAF9gmMN8pzcGTPVEYYMAZpCEp96Oz2ZRRz5YKM6lPMf1tUbb6zA==', password: 'password' },
  { name: '$7$ 101 iterations', encoded: '$7$101$AAECAwQFBgcICQoL$mgBlssWhuKbbsDyLVPe9d97XFx3ypLOHAsl3u+r3nEjPBdlHNVKLU0zo8aBhREGoXwJ+YU68Mh5/iP2FvHGLWg==', password: 'test' },
  {
    name: 'argon2id mosquitto 2.1 parameters (libargon2)',
    encoded: '$argon2id$v=19$m=47104,t=1,p=1$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw$3syNgNcb0w52/uSlh+CklGuZV0FfnOIb1DIw44Euj9wD98LP5YfV2B2KjuNtWlOKh5ixy26gBfVIqBVgCF06yQ',
    password: 'test',
  },
  { name: 'argon2id phc reference m=65536', encoded: '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc', password: 'password' },
  { name: 'argon2id phc reference m=256', encoded: '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4', password: 'password' },
];

describe('verifyPassword: known answers', () => {
  for (const { name, encoded, password } of KNOWN) {
    test(`${name}: right password matches, wrong ones do not`, async () => {
      assert.equal(await verifyPassword(encoded, password), true);
      assert.equal(await verifyPassword(encoded, password + 'x'), false);
      assert.equal(await verifyPassword(encoded, 'Test'), false);
    });
  }
});

describe('hashPassword reproduces the known answers from their salt', () => {
  const cases: { name: string; password: string; options: Parameters<typeof hashPassword>[1]; expected: string }[] = [
    { name: '$6$', password: 'test', options: { algorithm: 'sha512', salt: Buffer.from('njERlZMi/7DzNB9E', 'base64') }, expected: KNOWN[0]!.encoded },
    { name: '$6$ empty', password: '', options: { algorithm: 'sha512', salt: Buffer.from('o+53eGXtmlfHeYrg', 'base64') }, expected: KNOWN[1]!.encoded },
    { name: '$7$ default iterations', password: 'test', options: { algorithm: 'sha512-pbkdf2', salt: bytes(12) }, expected: KNOWN[3]!.encoded },
    { name: '$7$ explicit 101', password: 'test', options: { algorithm: 'sha512-pbkdf2', iterations: 101, salt: bytes(12) }, expected: KNOWN[3]!.encoded },
    { name: 'argon2id', password: 'test', options: { algorithm: 'argon2id', salt: bytes(64) }, expected: KNOWN[4]!.encoded },
  ];
  for (const { name, password, options, expected } of cases) {
    test(name, async () => {
      assert.equal(await hashPassword(password, options), expected);
    });
  }
});

describe('hashPassword: fresh hashes', () => {
  const shapes: { algorithm: 'sha512' | 'sha512-pbkdf2' | 'argon2id'; iterations?: number; shape: RegExp }[] = [
    { algorithm: 'sha512-pbkdf2', shape: /^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/ },
    { algorithm: 'sha512-pbkdf2', iterations: 1000, shape: /^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/ },
    { algorithm: 'sha512', shape: /^\$6\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/ },
    { algorithm: 'argon2id', shape: /^\$argon2id\$v=19\$m=47104,t=1,p=1\$[A-Za-z0-9+/]{86}\$[A-Za-z0-9+/]{86}$/ },
  ];
  for (const { algorithm, iterations, shape } of shapes) {
    test(`${algorithm}${iterations ? ` -I ${iterations}` : ''}: exact format, random salt, round trip`, async () => {
      const first = await hashPassword('s3cret pässword', { algorithm, iterations });
      const second = await hashPassword('s3cret pässword', { algorithm, iterations });
      assert.match(first, shape);
      assert.notEqual(first, second, 'two hashes of one password must differ (random salt)');
      assert.equal(await verifyPassword(first, 's3cret pässword'), true);
      assert.equal(await verifyPassword(second, Buffer.from('s3cret pässword', 'utf8')), true);
      assert.equal(await verifyPassword(first, 's3cret password'), false);
    });
  }

  test('bytes are hashed as they are (a latin1 byte is not its UTF-8 encoding)', async () => {
    const encoded = await hashPassword(Buffer.from([0xe9]), { algorithm: 'sha512-pbkdf2' });
    assert.equal(await verifyPassword(encoded, Buffer.from([0xe9])), true);
    assert.equal(await verifyPassword(encoded, 'é'), false);
  });

  test('iterations outside 1..2^31-1 are refused', async () => {
    for (const iterations of [0, -1, 1.5, 2 ** 31]) {
      await assert.rejects(hashPassword('x', { algorithm: 'sha512-pbkdf2', iterations }), RangeError);
    }
  });
});

describe('parseHash / verifyPassword: what is not a usable hash', () => {
  const good7 = KNOWN[3]!.encoded;
  const rejected: [string, string][] = [
    ['plaintext', 'password'],
    ['empty', ''],
    ['unknown type $5$', good7.replace('$7$', '$5$')],
    ['argon2i', KNOWN[5]!.encoded.replace('argon2id', 'argon2i')],
    ['argon2id v=16', KNOWN[5]!.encoded.replace('v=19', 'v=16')],
    ['iterations 0', good7.replace('$101$', '$0$')],
    ['iterations not a number', good7.replace('$101$', '$1x1$')],
    ['salt with a bad character', good7.replace('AAECAwQFBgcICQoL', 'AAECAwQFBgcI*QoL')],
    ['hash too short', '$6$njERlZMi/7DzNB9E$iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6g'],
    ['missing field', '$7$101$AAECAwQFBgcICQoL'],
    ['extra field', `${good7}$x`],
    ['argon2 memory below 8 KiB per lane', '$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4'],
  ];
  for (const [name, encoded] of rejected) {
    test(name, async () => {
      assert.equal(parseHash(encoded), undefined);
      assert.equal(await verifyPassword(encoded, 'test'), false);
      assert.equal(await verifyPassword(encoded, encoded), false, 'a line must never match its own text');
    });
  }

  test('blanks around the hash are ignored, as the broker trims them', async () => {
    assert.equal(await verifyPassword(`  ${good7}\t`, 'test'), true);
  });

  test('formatHash(parseHash(x)) gives x back for every known line', () => {
    for (const { encoded } of KNOWN) assert.equal(formatHash(parseHash(encoded)!), encoded);
  });
});

describe('mosquitto20Problem', () => {
  const cases: [string, string, string | undefined][] = [
    ['$7$ 12-byte salt', KNOWN[3]!.encoded, undefined],
    ['$6$', KNOWN[0]!.encoded, undefined],
    [
      '2.1-style $7$ with a 64-byte salt',
      '$7$210000$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==$q4V30QCvI09ISnnB4dGxp5L2WYH8TWPuWdhjEo/Y884xv5UrQ8BgcSJHZ+v1dntHFpJzrDVwhAp0+WXXt96cZw==',
      'mosquitto 2.0 only accepts 12-byte salts, this one has 64 bytes (2.1 style)',
    ],
    ['argon2id', KNOWN[4]!.encoded, 'argon2id hashes need mosquitto 2.1 or later'],
  ];
  for (const [name, encoded, expected] of cases) {
    test(name, () => assert.equal(mosquitto20Problem(parseHash(encoded)!), expected));
  }
});
