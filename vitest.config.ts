import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Hooks start Prism, Chromium and npm installs, which are slow when every core is busy.
    hookTimeout: 120_000,
    // Many files wait on child processes (tsc, Prism, npm, Chromium): one more worker than the
    // 2 cores keeps both busy.
    maxWorkers: 3,
    globalSetup: ["test/contract/global-setup.ts"],
  },
});
