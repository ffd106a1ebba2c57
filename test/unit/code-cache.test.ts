import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { codeCacheFile } from '../../src/code-cache.ts';

describe('codeCacheFile', () => {
  const bundle = { name: 'run-cli', size: 1465676, mtimeMs: 1795706412736.25 };
  const cases: [string, NodeJS.ProcessEnv, string | undefined][] = [
    ['~/.cache/mq by default', { HOME: '/home/ada' }, '/home/ada/.cache/mq/run-cli-pub-0.1.0-v20.20.2-1465676-1795706412736.v8cache'],
    ['$XDG_CACHE_HOME/mq when set', { HOME: '/home/ada', XDG_CACHE_HOME: '/var/cache/ada' }, '/var/cache/ada/mq/run-cli-pub-0.1.0-v20.20.2-1465676-1795706412736.v8cache'],
    ['a relative XDG_CACHE_HOME is ignored (XDG spec)', { HOME: '/home/ada', XDG_CACHE_HOME: 'cache' }, '/home/ada/.cache/mq/run-cli-pub-0.1.0-v20.20.2-1465676-1795706412736.v8cache'],
    ['an empty XDG_CACHE_HOME is ignored', { HOME: '/home/ada', XDG_CACHE_HOME: '' }, '/home/ada/.cache/mq/run-cli-pub-0.1.0-v20.20.2-1465676-1795706412736.v8cache'],
    ['no HOME and no XDG_CACHE_HOME: no cache', {}, undefined],
    ['a relative HOME: no cache', { HOME: 'home' }, undefined],
  ];
  for (const [name, env, expected] of cases) {
    test(name, () => assert.equal(codeCacheFile(bundle, 'pub', env, '0.1.0-v20.20.2'), expected));
  }

  test('another build (size or mtime), command or version is another file', () => {
    const env = { HOME: '/h' };
    const base = codeCacheFile(bundle, 'pub', env, '0.1.0-v20.20.2');
    const others = [
      codeCacheFile({ ...bundle, size: bundle.size + 1 }, 'pub', env, '0.1.0-v20.20.2'),
      codeCacheFile({ ...bundle, mtimeMs: bundle.mtimeMs + 1000 }, 'pub', env, '0.1.0-v20.20.2'),
      codeCacheFile(bundle, 'sub', env, '0.1.0-v20.20.2'),
      codeCacheFile(bundle, 'pub', env, '0.1.1-v20.20.2'),
      codeCacheFile(bundle, 'pub', env, '0.1.0-v22.11.0'),
    ];
    assert.equal(new Set([base, ...others]).size, 6);
  });
});
