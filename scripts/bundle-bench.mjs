/**
 * `npm run bench:bundle`: bundles the bench (engine/bench/run.ts with Wick, TensorFlow.js WebGPU
 * and jax-js) into one file, .carry/bench.mjs (or the path given as the first argument), to carry
 * to the GPU machine, which has no registry. Only `webgpu` (Dawn, a native addon) stays outside:
 * carry it beside the bundle in node_modules. Run it with Node 20+:
 *   node --expose-gc .carry/bench.mjs [--quick] [--pytorch pytorch.json] [--out RESULTS.md]
 */
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? resolve(root, '.carry/bench.mjs'));
await build({
  absWorkingDir: root,
  entryPoints: ['engine/bench/run.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  // tfjs-core's node build is CommonJS and requires Node's modules; an ESM bundle needs a real
  // `require` for those.
  banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  // Tells peers/tfjs.ts to take the import of tfjs-core's gradients (inlined here) over require.
  define: { 'process.env.WICK_BENCH_BUNDLE': '"1"' },
  logLevel: 'warning',
});
console.log(`bundled ${outfile}`);
