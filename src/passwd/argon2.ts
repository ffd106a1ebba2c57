/**
 * argon2id from hash-wasm, behind a module of our own: hash.ts imports this one lazily, and esbuild
 * keeps only what argon2id needs of hash-wasm (its argon2 and blake2b WASM, inlined as base64) in
 * the bundle, instead of every algorithm the package exports.
 */
export { argon2id } from 'hash-wasm';
