// Inputs of a size no one meant: a definition list of 130,000 entries (390 KB), a table of
// 200,000 rows. Each is a named rule or plain work, never a RangeError from spreading a huge
// array into a call (push(...list), Math.max(...list)).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { MAX_DEFINITIONS } from "../../src/cli/definitions.js";
import { table } from "../../src/cli/options.js";
import { cli, fakePlatform, tempDir } from "./harness.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

it.each(["plan", "apply"])("%s: a list of 130,000 entries is refused by a named rule, exit 2, nothing sent", async (command) => {
  await writeFile(join(dir.path, "big.json"), `[${Array.from({ length: 130_000 }, () => "0").join(",")}]`);
  const platform = fakePlatform();
  const { code, stderr } = await cli([command, "big.json"], { fetch: platform.fetch, cwd: dir.path });
  expect(code).toBe(2);
  expect(stderr).toMatch(new RegExp(`more than ${MAX_DEFINITIONS} webhook definitions \\(rule: at most ${MAX_DEFINITIONS} in one plan or apply`));
  expect(platform.requests).toEqual([]);
});

it("a file of many bad definitions lists the first 100 problems and counts the rest", async () => {
  await writeFile(join(dir.path, "bad.json"), `[${Array.from({ length: 3000 }, () => "0").join(",")}]`);
  const { code, stderr } = await cli(["plan", "bad.json"], { fetch: fakePlatform().fetch, cwd: dir.path });
  expect(code).toBe(2);
  expect(stderr).toMatch(/^error: 3000 problem\(s\) in the definition files/);
  expect(stderr).toMatch(/\.\.\. and 2900 more\n$/);
});

it("a table of 200,000 rows is laid out, not a RangeError", () => {
  const rows = Array.from({ length: 200_000 }, (_, index) => [`tx-${index}`, "1"]);
  const text = table(["TRANSACTION", "EVENTS"], rows);
  expect(text.split("\n")).toHaveLength(200_002);
  expect(text.startsWith("TRANSACTION  EVENTS\ntx-0         1\n")).toBe(true);
});
