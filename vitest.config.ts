import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, next to the sources) and `integration`
 * (cross-package, against the real Neo4j and Redis started by scripts/services.mjs).
 * Integration files run one at a time: they share one Neo4j database.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{graph-schema,datasets,resolver,server}/src/**/*.test.ts', 'web/src/**/*.test.ts', 'scripts/lib/**/*.test.ts'],
          environment: 'node',
          // A safety cap, not a speed check: the generator tests write a whole sample and take
          // tens of seconds on a busy 2-core machine.
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          // Safety caps, not speed checks (tests never assert time): ingesting the sample twice
          // takes minutes on a busy 2-core machine.
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
