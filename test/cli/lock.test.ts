// The ledger's lock is taken atomically, a stale one included: many takers at once, with a lock
// left by a killed run, and exactly one gets it. (Before, each taker read the dead pid, deleted
// the lock and created its own: a taker that read late deleted a live lock, and two runs held it.)
import { spawnSync } from "node:child_process";
import { link, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Ledger } from "../../src/cli/ledger.js";
import { tempDir } from "./harness.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

/** The pid of a process that has ended: what a killed run leaves in its lock. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

async function race(path: string, takers: number) {
  const outcomes = await Promise.allSettled(Array.from({ length: takers }, () => Ledger.open(path, "ledger.jsonl")));
  const winners = outcomes.filter((outcome): outcome is PromiseFulfilledResult<Ledger> => outcome.status === "fulfilled").map((outcome) => outcome.value);
  const refusals = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected").map((outcome) => String(outcome.reason.message));
  return { winners, refusals };
}

it.each([
  ["a bare pid (an older version's lock)", (pid: number) => String(pid)],
  ["a lock naming its holder file", (pid: number) => JSON.stringify({ pid, holder: `ledger.jsonl.lock.${pid}.abcdef` })],
])("many takers at once, a stale lock holding %s: exactly one takes it", async (_, content) => {
  const path = join(dir.path, "ledger.jsonl");
  const pid = deadPid();
  for (let round = 0; round < 15; round += 1) {
    // As a run leaves it: the lock is a hard link to the holder's own file.
    await writeFile(`${path}.lock.${pid}.abcdef`, content(pid));
    await link(`${path}.lock.${pid}.abcdef`, `${path}.lock`);
    const { winners, refusals } = await race(path, 24);
    expect(winners).toHaveLength(1);
    for (const refusal of refusals) expect(refusal).toMatch(new RegExp(`another socotra-webhooks run \\(process ${process.pid}\\) is using the ledger`));
    await winners[0]!.close();
    await rm(`${path}.lock.${pid}.abcdef`, { force: true }); // an older version leaves no holder file
  }
  // Nothing is left behind but the ledger: no lock, no holder file, nothing moved aside.
  expect(await readdir(dir.path)).toEqual(["ledger.jsonl"]);
});

it("a live holder keeps its lock against every taker", async () => {
  const path = join(dir.path, "ledger.jsonl");
  const first = await Ledger.open(path, "ledger.jsonl");
  const { winners } = await race(path, 16);
  expect(winners).toHaveLength(0);
  await first.close();
  const again = await Ledger.open(path, "ledger.jsonl");
  await again.close();
});

it("a directory where the lock goes is an input error naming the rule, never a wait", async () => {
  const path = join(dir.path, "ledger.jsonl");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(`${path}.lock`);
  await expect(Ledger.open(path, "ledger.jsonl")).rejects.toThrow(/ledger\.jsonl\.lock is not a regular file \(rule/);
});
