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

describe("a resend answered 2xx is resent, whatever its body", () => {
  // The spec says the answer has no body; a gateway or a newer platform may add one. The status
  // proves the platform acted: recording "unknown" would hide a done resend behind --retry-unknown.
  const bodies: [string, () => Response][] = [
    ["a text body", () => new Response("OK", { status: 200, headers: { "content-type": "text/plain" } })],
    ["a JSON body cut short", () => new Response('{"resent": tr', { status: 200, headers: { "content-type": "application/json" } })],
    [
      "a body lost mid-read",
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"a":'));
              controller.error(new TypeError("terminated"));
            },
          }),
          { status: 200, headers: { "content-type": "application/json" } },
        ),
    ],
  ];
  for (const [what, answer] of bodies) {
    it(`${what}: resent, recorded resent, and not resent again`, async () => {
      const stand = fakePlatform();
      stand.webhooks.set("w", aWebhook("w"));
      stand.divert("w", 2);
      const fetch = async (request: Request) => {
        const response = await stand.fetch(request);
        return request.method === "POST" && response.ok ? answer() : response;
      };
      const io = { fetch, cwd: dir.path };
      const first = await cli(["diverted", "resend", "w", "--all"], io);
      expect([first.code, first.stdout]).toEqual([0, expect.stringMatching(/^Resent 2 transaction\(s\) of w in .*; 0 failed, 0 unknown, 0 skipped\.\n$/)]);
      const states = (await readFile(join(dir.path, ".socotra-webhooks-ledger.jsonl"), "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line).state);
      expect(states.filter((state) => state !== "sending")).toEqual(["resent", "resent"]);
      stand.divert("w", 0);
      expect(stand.resent.sort()).toEqual(["tx-0", "tx-1"]);
    });
  }
});

describe("the ledger's lock", () => {
  const ledgerPath = () => join(dir.path, "ledger.jsonl");

  it("a lock held on another host (a shared disk) is never taken over, even when its pid is dead here", async () => {
    const pid = deadPid();
    const lock = JSON.stringify({ pid, holder: `ledger.jsonl.lock.${pid}.0a1b2c`, host: "build-7.example", pidNamespace: "pid:[1]" });
    await writeFile(`${ledgerPath()}.lock`, lock);
    await expect(Ledger.open(ledgerPath(), "ledger.jsonl")).rejects.toThrow(
      new RegExp(`the ledger ledger\\.jsonl is locked by process ${pid} on build-7\\.example, which this run cannot check`),
    );
    expect(await readFile(`${ledgerPath()}.lock`, "utf8")).toBe(lock);
  });

  it("a lock this host wrote in another pid namespace (another container) is never taken over either", async () => {
    const ours = await Ledger.open(ledgerPath(), "ledger.jsonl");
    const written = JSON.parse(await readFile(`${ledgerPath()}.lock`, "utf8"));
    await ours.close();
    expect(written).toEqual({ pid: process.pid, holder: expect.any(String), host: expect.any(String), pidNamespace: process.platform === "linux" ? expect.stringMatching(/^pid:\[\d+\]$/) : undefined });
    const pid = deadPid();
    await writeFile(`${ledgerPath()}.lock`, JSON.stringify({ ...written, pid, pidNamespace: "pid:[7]" }));
    await expect(Ledger.open(ledgerPath(), "ledger.jsonl")).rejects.toThrow(/cannot check/);
  });

  it("a symbolic link where the lock goes, dangling or not, is refused naming the rule; nothing is removed", async () => {
    const target = join(dir.path, "elsewhere");
    await symlink(target, `${ledgerPath()}.lock`);
    await expect(Ledger.open(ledgerPath(), "ledger.jsonl")).rejects.toThrow(/ledger\.jsonl\.lock is a symbolic link/);
    await writeFile(target, String(deadPid()));
    await expect(Ledger.open(ledgerPath(), "ledger.jsonl")).rejects.toThrow(/ledger\.jsonl\.lock is a symbolic link/);
    expect((await lstat(`${ledgerPath()}.lock`)).isSymbolicLink()).toBe(true);
    expect((await readdir(dir.path)).sort()).toEqual(["elsewhere", "ledger.jsonl.lock"]);
  });
});

describe("plan and apply over a webhook holding an event type the contract does not list", () => {
  const platform = () => {
    const stand = fakePlatform();
    stand.webhooks.set("w", aWebhook("w", { events: ["policy.issue", "policy.brandNewType" as never] }));
    stand.webhooks.set("v", aWebhook("v"));
    return stand;
  };

  it("plan shows every webhook, and which one apply cannot send back as held (exit 1); nothing is sent", async () => {
    const stand = platform();
    await writeFile(join(dir.path, "hooks.yaml"), "- name: w\n  enabled: false\n- name: v\n  enabled: false\n");
    const plan = await cli(["plan", "hooks.yaml"], { fetch: stand.fetch, cwd: dir.path });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("webhook w (hooks.yaml): update\n  ~ enabled: true → false\n  ! cannot apply: what the platform holds breaks the contract's WebhookRequest");
    expect(plan.stdout).toContain("webhook v (hooks.yaml): update\n  ~ enabled: true → false\n");
    expect(plan.stdout).toContain("Plan: 0 to create, 2 to update, 0 unchanged; 1 cannot be applied as the files stand.\n");
    expect(plan.stderr).toMatch(/note: the webhook w: 1 value\(s\) carry 1 event type\(s\) the contract does not list yet: policy\.brandNewType/);
    expect(plan.stderr).toMatch(/error: 1 webhook\(s\) cannot be applied: w \(give those fields in the file; the plan above says why\); nothing was sent/);
    expect(stand.requests.filter((request) => !request.startsWith("GET"))).toEqual([]);
  });

  it("apply sends nothing while one cannot be sent back; with `events` given in the file, it applies", async () => {
    const stand = platform();
    await writeFile(join(dir.path, "hooks.yaml"), "- name: w\n  enabled: false\n- name: v\n  enabled: false\n");
    const refused = await cli(["apply", "hooks.yaml"], { fetch: stand.fetch, cwd: dir.path });
    expect(refused.code).toBe(1);
    expect(stand.requests.filter((request) => !request.startsWith("GET"))).toEqual([]);
    await writeFile(join(dir.path, "hooks.yaml"), "- name: w\n  enabled: false\n  events: [policy.issue]\n");
    const plan = await cli(["plan", "hooks.yaml"], { fetch: stand.fetch, cwd: dir.path });
    expect(plan.code).toBe(0);
    const applied = await cli(["apply", "hooks.yaml"], { fetch: stand.fetch, cwd: dir.path });
    expect(applied.code).toBe(0);
    expect(stand.webhooks.get("w")?.events).toEqual(["policy.issue"]);
  });
});

describe("the lock on every way out", () => {
  // The bin's second Ctrl-C is process.exit(130), and an uncaught error ends the process without
  // any finally: the lock went with neither, and the next run had to take it over as stale.
  for (const [how, end] of [
    ["process.exit(130) (a second Ctrl-C)", "process.exit(130);"],
    ["an uncaught exception", "setTimeout(() => { throw new Error('boom'); });"],
  ] as const) {
    it(`is released by ${how}`, async () => {
      const { build } = await import("esbuild");
      const bundle = join(dir.path, "lock.mjs");
      await build({ entryPoints: [join(import.meta.dirname, "../../src/cli/lock.ts")], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "silent" });
      const ledger = join(dir.path, "ledger.jsonl");
      const script = `const { lockLedger } = await import(${JSON.stringify(bundle)}); await lockLedger(${JSON.stringify(ledger)}, "ledger.jsonl"); console.log("locked"); ${end}`;
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
      expect(child.stdout).toBe("locked\n");
      expect(child.status).toBe(how.startsWith("process.exit") ? 130 : 1);
      expect((await readdir(dir.path)).sort()).toEqual(["lock.mjs"]);
    });
  }
});
