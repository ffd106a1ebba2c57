// Bundles src/ into dist/ with esbuild, dependencies included. Start-up is most of what a short
// `mq pub` costs, and Node resolves and compiles a bundle several times faster than hundreds of
// separate modules. Type checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
import { copyFileSync, rmSync } from 'node:fs';

/**
 * string-width builds an Intl.Segmenter and large Unicode regexes when it is evaluated (30-60 ms of
 * every run), yet yargs, wrap-ansi and ora measure text only when they print help or a spinner. Each
 * import of it gets a stand-in that loads the real module (the same file it would have got) on the
 * first call.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      resolveDir: '.',
      contents: `let stringWidth;
export default function lazyStringWidth(text, options) {
  stringWidth ??= require(${JSON.stringify(args.path)}).default;
  return stringWidth(text, options);
}`,
    }));
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
  // Optional native add-ons of ws, cosmiconfig's TypeScript loader (for .ts rc files, which we do not
  // search for), and hash-wasm (only for argon2id, loaded on demand).
  external: ['bufferutil', 'utf-8-validate', 'typescript', 'hash-wasm'],
  plugins: [lazyStringWidth],
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });

// The CLI is CommonJS: Node starts a CommonJS entry sooner than an ES module, and only a script
// (not a module) can be compiled through V8's code cache on Node 20 (src/code-cache.ts).
// dist/cli.cjs is the small entry; dist/run-cli.cjs is everything else, one file, whose dynamic
// imports esbuild turns into lazily run parts of it, so `mq --help` still never runs MQTT.js.
await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts', 'run-cli': 'src/run-cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // ESM dependencies (yargs' locale lookup) and our bench runner (the worker's path) use import.meta.url.
  define: { 'import.meta.url': '__mqModuleUrl' },
  banner: { js: "const __mqModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The bench worker thread, an ES module beside run-cli.cjs so `new URL('./worker.js', import.meta.url)` finds it.
await build({
  ...common,
  entryPoints: { worker: 'src/bench/worker.ts' },
  outdir: 'dist',
  format: 'esm',
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __mqCreateRequire } from 'node:module'; const require = __mqCreateRequire(import.meta.url);" },
});

// The HTML report of mq bench (--html) inlines uPlot: its two files go beside the bundle, read only then.
for (const file of ['uPlot.iife.min.js', 'uPlot.min.css']) copyFileSync(`node_modules/uplot/dist/${file}`, `dist/${file}`);
