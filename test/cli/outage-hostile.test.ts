// The outage path attacked as an operator in a hurry and a hostile peer would: a --ledger naming
// the wrong file, a lock from another host or a symlink, a resend whose 2xx answer has an odd body,
// a plan over a webhook holding an event type the contract does not list. Each failed before.
import { spawnSync } from "node:child_process";
import { lstat, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../../src/cli/ledger.js";
import { aWebhook, cli, fakePlatform, tempDir } from "./harness.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("a --ledger that is not a ledger", () => {
  it("a one-line file without a newline (a token file, a note) is refused and left as it was, never cut as a torn record", async () => {
    const path = join(dir.path, "notes.txt");
    await writeFile(path, "remember to check the receiver");
    await expect(Ledger.open(path, "notes.txt")).rejects.toThrow(/notes\.txt line 1 is not a ledger record/);
    expect(await readFile(path, "utf8")).toBe("remember to check the receiver");
  });

  it("a file with one endless line is refused by its length, in bounded memory, and left as it was", async () => {
    const path = join(dir.path, "image.bin");
    await writeFile(path, Buffer.alloc(3 * 1024 * 1024, 0x41));
    await expect(Ledger.open(path, "image.bin")).rejects.toThrow(/image\.bin line 1 is longer than 1,048,576 bytes/);
    expect((await lstat(path)).size).toBe(3 * 1024 * 1024);
  });
});
