import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Most files wait on simulated clusters and child processes more than on the CPU: two at a time
    // on a 2-core machine cut the suite's wall time by a third (one at a time: 21 min); three starve
    // the CPU-heavy ones (a 400-pod scheduler run) into timeouts.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
