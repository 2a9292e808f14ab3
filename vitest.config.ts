import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // The webgpu device in CI is SwiftShader: kernels run on the CPU, slowly.
    testTimeout: 60_000,
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
