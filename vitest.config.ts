import { BaseSequencer, type TestSpecification } from "vitest/node";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

// Two suites, by file name:
// - fast: test/**/*.test.ts, `npm test`, under a minute on 2 cores;
// - e2e: test/**/*.e2e.test.ts, `npm run test:e2e`: npm installs of the packed package, the real
//   browser, process lifecycles under signals, multi-process drills.
// No global setup: a file that needs dist/ or a Prism mock asks test/support/ for it, so a run of
// one file starts only what that file uses. `npx vitest run FILE` runs FILE in its own suite.
const E2E = "test/**/*.e2e.test.ts";

// The examples (examples/, shown in the docs as users paste them) import the package by name:
// the fast suite runs them against src/; the e2e suite runs them against the packed package.
const src = (path: string) => fileURLToPath(new URL(`src/${path}`, import.meta.url));
const THE_PACKAGE_AS_SOURCE = [
  { find: /^socotra-webhooks-contract$/, replacement: src("index.ts") },
  { find: /^socotra-webhooks-contract\/simulator$/, replacement: src("simulator/index.ts") },
  { find: /^socotra-webhooks-contract\/testing$/, replacement: src("testing.ts") },
];

// The files that wait longest start first: in a fresh clone, with no recorded durations, vitest
// orders by file size, which would leave a long small file as the tail of the run. With recorded
// durations vitest's own longest-first order follows.
const SLOWEST_FIRST = [
  "test/package/git-install.e2e.test.ts",
  "test/package/consumer.e2e.test.ts",
  "test/contract/mock-lifecycle.e2e.test.ts",
  "test/docs/docs.browser.e2e.test.ts",
  "test/types/typecheck.test.ts",
  "test/verify/verify.test.ts",
  "test/contract/dynamic.test.ts",
  "test/validation/properties.test.ts",
  "test/contract/mock-server.test.ts",
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
    testTimeout: 20_000,
    // Hooks build dist/ after an edit and start Prism, servers and browsers, slow when every core is busy.
    hookTimeout: 120_000,
    // Many files wait on child processes (tsc, Prism, servers): one more worker than the 2 cores
    // keeps both busy.
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        resolve: { alias: THE_PACKAGE_AS_SOURCE },
        test: { name: "fast", include: ["test/**/*.test.ts", "examples/**/*.test.ts"], exclude: [...configDefaults.exclude, E2E] },
      },
      // npm installs and browsers: one test can take minutes on a loaded machine.
      { extends: true, test: { name: "e2e", include: [E2E], testTimeout: 300_000 } },
    ],
  },
});
