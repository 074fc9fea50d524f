import { defineConfig } from 'vitest/config';

// `npm run test:e2e` (scripts/e2e) runs this against a real control plane: our end-to-end suites and
// the simulator's client-facing API suite, which targets BURN_TEST_KUBECONFIG when it is set.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/api/**/*.test.ts'],
    // One apiserver on a shared 2-core machine: files run one after another.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
