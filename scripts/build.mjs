// Bundles src/ into dist/ with esbuild, dependencies included. Start-up is most of what a short
// `mq pub` costs, and Node resolves and compiles a bundle several times faster than hundreds of
// separate modules. Type checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A plugin that gives every import of `name` a stand-in, made by `standIn(load)` from the code that
 * loads the real module (the same file the import would have got) when it is first needed. For
 * dependencies that cost start-up time when they are evaluated, yet most runs never call.
 */
function lazyModule(name, standIn) {
  const namespace = `lazy-${name}`;
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, async (args) => {
        if (args.pluginData?.real) return undefined;
        const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace };
      });
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        resolveDir: '.',
        contents: `let real;\nconst load = () => (real ??= require(${JSON.stringify(args.path)}));\n${standIn}`,
      }));
    },
  };
}

/**
 * string-width builds an Intl.Segmenter and large Unicode regexes when it is evaluated (30-60 ms of
 * every run), yet yargs, wrap-ansi and ora measure text only when they print help or a spinner.
 * Printable ASCII is one column a character whatever the options (no escape codes, no wide or
 * combining characters), so its width is its length: `mq --help` measures only such text and never
 * loads the real module (it cost 75 of its 160 ms).
 */
const lazyStringWidth = lazyModule('string-width', `export default function lazyStringWidth(text, options) {
  if (typeof text === 'string' && /^[\\x20-\\x7e]*$/.test(text)) return text.length;
  return load().default(text, options);
}`);

/**
 * MQTT.js requires worker-timers (with broker-factory, fast-unique-numbers and @babel/runtime) when it
 * loads, for browsers' web workers; under Node it uses the native timers unless told otherwise, so
 * the real module is never loaded.
 */
const lazyWorkerTimers = lazyModule('worker-timers', ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout']
  .map((fn) => `export const ${fn} = (...rest) => load().${fn}(...rest);`).join('\n'));

/**
 * MQTT.js requires lru-cache when it loads, for topic aliases (--topic-alias), and lru-cache reads
 * globalThis.performance when it is evaluated, which loads Node's perf_hooks (ten modules). The
 * stand-in class builds the real cache: `new LRUCache(options)` returns one.
 */
const lazyLruCache = lazyModule('lru-cache', `export class LRUCache {
  constructor(...rest) { return new (load().LRUCache)(...rest); }
}`);

/**
 * hash-wasm's `main` is a UMD file of every algorithm it has (220 kB); its `module` build is the
 * same code as ES modules, from which esbuild keeps only what argon2id uses (about 30 kB).
 * Node's platform default prefers `main`, so hash-wasm alone is pointed at `module`.
 */
const hashWasmModule = {
  name: 'hash-wasm-module',
  setup(build) {
    build.onResolve({ filter: /^hash-wasm$/ }, async (args) => {
      const pkg = await build.resolve('hash-wasm/package.json', { resolveDir: args.resolveDir, kind: args.kind });
      if (pkg.errors.length > 0) return { errors: pkg.errors };
      const { module } = JSON.parse(readFileSync(pkg.path, 'utf8'));
      return { path: path.join(path.dirname(pkg.path), module) };
    });
  },
};

/**
 * The payload codecs (src/codecs/load.ts: protobufjs, avsc, cbor, @msgpack/msgpack) are dist/codecs.cjs,
 * a bundle of their own, so `mq sub` without --decode never reads their 400 kB: src/codecs/use.ts's
 * import of ./load.js becomes require('./codecs.cjs') beside run-cli.cjs.
 */
const codecsBundle = {
  name: 'codecs-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\/load\.js$/ }, (args) => (args.importer.endsWith(path.join('src', 'codecs', 'use.ts')) ? { path: 'codecs', namespace: 'codecs-bundle' } : undefined));
    build.onResolve({ filter: /^\.\/codecs\.cjs$/ }, () => ({ path: './codecs.cjs', external: true }));
    build.onLoad({ filter: /.*/, namespace: 'codecs-bundle' }, () => ({ resolveDir: '.', contents: "module.exports = require('./codecs.cjs');" }));
  },
};

/**
 * yargs() guesses a version at once (before .version(VERSION) replaces it) by listing directories
 * upward from its shim's mainFilename, the path before 'node_modules' in its own URL. In a bundle
 * there is none, so it starts at the working directory: every `mq pub` read the listing of cwd and
 * of each parent (85 of a one-message pub's 250 ms in a /tmp of 80,000 files), and could take the
 * version of an unrelated package.json. The bundle's own file is the start instead: dist/, then mq's
 * package.json.
 */
const yargsPackageLookup = {
  name: 'yargs-package-lookup',
  setup(build) {
    build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const from = 'mainFilename: mainFilename || process.cwd(),';
      // The shim's own __dirname is the full path of the file (the bundle, once bundled).
      if (!source.includes(from)) throw new Error(`${args.path}: "${from}" not found; check yargsPackageLookup in scripts/build.mjs against this yargs`);
      return { contents: source.replace(from, 'mainFilename: __dirname,'), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Non-ASCII characters escaped: src/code-cache.ts reads the bundle as latin1.
  charset: 'ascii',
  // Optional native add-ons of ws, and cosmiconfig's TypeScript loader (for .ts rc files, which we do
  // not search for): none is a dependency of mq, each is used only when the user installed it.
  // Everything else is in the bundle, so the package has no run-time dependencies.
  external: ['bufferutil', 'utf-8-validate', 'typescript'],
  // readable-stream is Node's own stream module (v4: Node 18's) packaged for browsers, with polyfills
  // for process and string_decoder. MQTT.js and bl import it; under Node 20 the built-in is the same
  // API, already loaded by net, so the bundle carries neither copy (119 kB that every network
  // command evaluated and compiled).
  alias: { 'readable-stream': 'stream' },
  plugins: [lazyStringWidth, lazyWorkerTimers, lazyLruCache, hashWasmModule, yargsPackageLookup],
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });

// The CLI is CommonJS: Node starts a CommonJS entry sooner than an ES module, and only a script
// (not a module) can be compiled through V8's code cache on Node 20 (src/code-cache.ts).
// dist/cli.cjs is the small entry; dist/run-cli.cjs is everything else, one file, whose dynamic
// imports esbuild turns into lazily run parts of it, so `mq --help` still never runs MQTT.js.
const bundles = [];
bundles.push(await build({
  ...common,
  metafile: true,
  entryPoints: { cli: 'src/cli.ts', 'run-cli': 'src/run-cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // ESM dependencies (yargs' locale lookup) and our bench runner (the worker's path) use import.meta.url.
  define: { 'import.meta.url': '__mqModuleUrl' },
  banner: { js: "const __mqModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [...common.plugins, codecsBundle],
}));

// The codecs, loaded by run-cli.cjs only for --decode / --encode (see codecsBundle).
bundles.push(await build({
  ...common,
  metafile: true,
  entryPoints: { codecs: 'src/codecs/load.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
}));

// The bench worker thread, an ES module beside run-cli.cjs so `new URL('./worker.js', import.meta.url)` finds it.
bundles.push(await build({
  ...common,
  metafile: true,
  entryPoints: { worker: 'src/bench/worker.ts' },
  outdir: 'dist',
  format: 'esm',
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __mqCreateRequire } from 'node:module'; const require = __mqCreateRequire(import.meta.url);" },
}));

// The HTML report of mq bench (--html) inlines uPlot: its two files go beside the bundle, read only then.
for (const file of ['uPlot.iife.min.js', 'uPlot.min.css']) copyFileSync(`node_modules/uplot/dist/${file}`, `dist/${file}`);

writeFileSync('dist/THIRD-PARTY-LICENSES', thirdPartyLicenses(bundles.map((result) => result.metafile), ['node_modules/uplot']));

// The man pages (man/), from the commands' flag definitions and docs/: scripts/man.ts, run by tsx
// because it reads the TypeScript command modules themselves.
const man = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/man.ts'], { stdio: 'inherit' });
if (man.status !== 0) throw new Error(`scripts/man.ts failed (${man.status ?? man.signal})`);

/**
 * The licences of everything the bundles carry: every package with at least one byte in an output
 * (esbuild's metafile says which files did), with its name, version, licence and the licence text
 * from its folder. The package installs no dependencies, so this file is where their notices travel.
 */
function thirdPartyLicenses(metafiles, copied) {
  // Packages whose files are copied into dist/ as they are (uPlot) count as well.
  const folders = new Set(copied.map((folder) => path.resolve(folder)));
  for (const metafile of metafiles) {
    for (const output of Object.values(metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        if (bytesInOutput === 0) continue;
        // "../main/node_modules/@scope/name/lib/x.js" (node_modules may be a symlink) -> its package folder.
        const file = path.resolve(input.replace(/^[\w-]+:/, ''));
        const match = /^(.*[\\/]node_modules[\\/])((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
        if (match) folders.add(match[1] + match[2]);
      }
    }
  }
  const packages = new Map();
  for (const folder of folders) {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const id = `${manifest.name}@${manifest.version}`;
    if (packages.has(id)) continue;
    const licence = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type ?? (manifest.licenses ?? []).map((l) => l.type).join(' OR ');
    const files = readdirSync(folder).filter((name) => /^(licen[cs]e|copying|notice)(\b|[.-_])/i.test(name)).sort();
    const texts = files.map((name) => readFileSync(path.join(folder, name), 'utf8').replace(/\r\n/g, '\n').trim());
    packages.set(id, { name: manifest.name, version: manifest.version, licence: licence || 'unknown', texts });
  }
  if (packages.size === 0) throw new Error('esbuild reported no bundled packages: THIRD-PARTY-LICENSES would be empty');
  const rule = '='.repeat(78);
  const sections = [...packages.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => [rule, `${p.name} ${p.version}`, `License: ${p.licence}`, '', p.texts.length > 0 ? p.texts.join('\n\n') : `(The package ships no licence file; its package.json says ${p.licence}.)`, ''].join('\n'));
  const head = [
    'Third-party software in mq-cli',
    '',
    `dist/ is a bundle that includes the ${packages.size} packages below (generated by scripts/build.mjs`,
    "from esbuild's metafile). aedes carries mq's patch (patches/ in the source repository).",
    '',
  ].join('\n');
  return head + sections.join('\n') + '\n';
}
