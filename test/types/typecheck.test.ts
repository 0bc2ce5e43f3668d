// Runs `npm run typecheck` (tsc over src/ and test/) inside the test run, in parallel with the other
// files: the @ts-expect-error lines of the type-level tests only bite when tsc sees them.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("type-checks src/ and test/ with no error", async () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const result = await promisify(execFile)(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { cwd: root }).catch((error) => error);
  expect(result.stdout).toBe("");
  expect(result.code ?? 0).toBe(0);
}, 60_000);
