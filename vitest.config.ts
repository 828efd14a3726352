import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for what a server or a browser does in the background; its 1 s default
    // fails a browser test when the machine is busy (seen at load averages of 12-16).
    expect: { poll: { timeout: 15_000 } },
    // Two cores: keep the number of embedded databases in memory at once small.
    maxWorkers: 2,
  },
});
