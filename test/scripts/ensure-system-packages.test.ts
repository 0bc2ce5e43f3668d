// The pre-scripts of `npm test` and `npm run test:e2e`: a suite it does not know is a usage error
// (names through Object.prototype included); with every program present it says nothing.
// (Its install branch runs apt-get as root: CI exercises it on a fresh machine.)
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const script = fileURLToPath(new URL("../../scripts/ensure-system-packages.js", import.meta.url));
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [script, ...args]).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

it.each(["bogus", "__proto__", "constructor", "toString"])("refuses the suite %j with its usage, exit 2", async (suite) => {
  const result = await run(suite);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(`usage: node scripts/ensure-system-packages.js test|e2e (got ${JSON.stringify(suite)})\n`);
});

it("says nothing when the programs of npm test are there (the pretest just ensured it)", async () => {
  expect(await run("test")).toEqual({ code: 0, stdout: "", stderr: "" });
});
