// Bundles src/ into dist/ with esbuild: one file per entry, shared chunks, dependencies included.
// Start-up is most of what a short `mq pub` costs, and Node resolves and compiles a bundle several
// times faster than hundreds of separate modules. Type checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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

rmSync('dist', { recursive: true, force: true });
await build({
  // dist/worker.js sits beside the chunks, so `new URL('./worker.js', import.meta.url)` finds it.
  entryPoints: { cli: 'src/cli.ts', worker: 'src/bench/worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Optional native add-ons of ws, cosmiconfig's TypeScript loader (for .ts rc files, which we do not
  // search for), and hash-wasm (only for argon2id, loaded on demand).
  external: ['bufferutil', 'utf-8-validate', 'typescript', 'hash-wasm'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __mqCreateRequire } from 'node:module'; const require = __mqCreateRequire(import.meta.url);" },
  plugins: [lazyStringWidth],
  logLevel: 'warning',
});
