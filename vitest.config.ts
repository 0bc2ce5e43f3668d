import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

// The files that wait longest (npm installs, tsc runs, Prism starts, Chromium, thousands of
// property runs) start first: the default order in a fresh clone, with no recorded durations,
// is by file size, which would start the git install, one of the smallest files, last and make
// it the tail of the run. With recorded durations vitest's own longest-first order follows.
const SLOWEST_FIRST = [
  "test/package/git-install.test.ts",
  "test/package/consumer.test.ts",
  "test/contract/mock-lifecycle.test.ts",
  "test/types/typecheck.test.ts",
  "test/validation/properties.test.ts",
  "test/verify/verify.test.ts",
  "test/docs/docs.browser.test.ts",
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOWEST_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Hooks start Prism, Chromium and npm installs, which are slow when every core is busy.
    hookTimeout: 120_000,
    // Many files wait on child processes (tsc, Prism, npm, Chromium): one more worker than the
    // 2 cores keeps both busy.
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    globalSetup: ["test/contract/global-setup.ts"],
  },
});
