// Bundles src/ into dist/ with esbuild: one file per entry, shared chunks, dependencies included.
// Start-up is most of what a short `mq pub` costs, and Node resolves and compiles a bundle several
// times faster than hundreds of separate modules. Type checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  logLevel: 'warning',
});
