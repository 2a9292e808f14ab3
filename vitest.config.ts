import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // The webgpu device in CI is SwiftShader: kernels run on the CPU, slowly.
    testTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: one on a 2-core CI machine. Two halve
    // the unit tests there (the WebGPU tests wait on SwiftShader, and the CPU ones on each other
    // little); each file still runs in its own process, so memory measurements stay its own.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 60_000,
    // memory.test.ts collects garbage before measuring what is still reachable.
    execArgv: ['--expose-gc'],
    include: ['engine/**/*.test.ts', 'workers/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    // Sucrase's parser is imported from its ES module sources, which use extensionless
    // specifiers: let Vite resolve them instead of Node.
    server: { deps: { inline: ['sucrase'] } },
  },
});
