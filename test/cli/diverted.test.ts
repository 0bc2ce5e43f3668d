// diverted list / resend / delete against an in-memory stand-in for the platform: snapshot,
// selection, the ledger, limits, progress, interruption and exit statuses.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "../../src/index.js";
import { aWebhook, capture, cli, fakePlatform, tempDir } from "./harness.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

function platformWithDiverted(count: number, make?: Parameters<ReturnType<typeof fakePlatform>["divert"]>[2]) {
  const platform = fakePlatform();
  platform.webhooks.set("policy-events", aWebhook("policy-events"));
  platform.divert("policy-events", count, make);
  return platform;
}

const ledgerLines = async () => (await readFile(join(dir.path, ".socotra-webhooks-ledger.jsonl"), "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line));

describe("diverted list", () => {
  it("reads every page: --json is one WebhookDivertedEventsResponse, --jsonl one WebhookDivertedEventResponse a line", async () => {
    const platform = platformWithDiverted(2500);
    const json = await cli(["diverted", "list", "policy-events", "--json"], { fetch: platform.fetch });
    expect(json.code).toBe(0);
    expect(parse("WebhookDivertedEventsResponse", json.stdout).events).toHaveLength(2500);
    const jsonl = await cli(["diverted", "list", "policy-events", "--jsonl", "--since", String(1_780_000_000_000 + 2000 * 1000)], { fetch: platform.fetch });
    const lines = jsonl.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(500);
    for (const line of lines) parse("WebhookDivertedEventResponse", line);
    expect(platform.requests.filter((request) => request.includes("/diverted"))).toHaveLength(6);
  });

  it("shows a table and says when transaction ids name several events", async () => {
    const platform = platformWithDiverted(3, (index) => ({ transactionId: index < 2 ? "shared-tx" : "own-tx", eventType: index === 0 ? "policy.issue" : "invoice.issue" }));
    const { code, stdout } = await cli(["diverted", "list", "policy-events"], { fetch: platform.fetch });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^TRANSACTION\s+EVENT TYPE\s+TIME\s+EVENT ID\nshared-tx\s+policy\.issue\s+2026-05-28T\S+\s+ev-0\n/);
    expect(stdout).toMatch(/3 diverted event\(s\) in 2 transaction\(s\); 1 transaction id\(s\) name several events\n$/);
  });

  it("of an unknown webhook says so and exits 1", async () => {
    const { code, stderr } = await cli(["diverted", "list", "nope"], { fetch: fakePlatform().fetch });
    expect([code, stderr]).toEqual([1, "error: no webhook named nope\n"]);
  });
});

describe("diverted resend", () => {
  it("resends each transaction once, with a summary; a second run resends nothing", async () => {
    const platform = platformWithDiverted(250);
    const io = { fetch: platform.fetch, cwd: dir.path };
    const first = await cli(["diverted", "resend", "policy-events", "--all"], io);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Resent 250 transaction\(s\) of policy-events in \d+\.\d s \(\d+\.\d\/s\); 0 failed, 0 unknown, 0 skipped\.\n$/);
    // Not a terminal: a plain line every 100, no escape codes.
    expect(first.stderr).toMatch(/^Resending 250 transaction\(s\) of policy-events: concurrency 4, no rate limit, ledger \.socotra-webhooks-ledger\.jsonl\nresend: 100\/250 done, 0 failed, [\d.]+\/s\nresend: 200\/250 done, 0 failed, [\d.]+\/s\n$/);
    expect(new Set(platform.resent).size).toBe(250);
    expect(platform.resent).toHaveLength(250);
    const states = await ledgerLines();
    expect(states.filter((line) => line.state === "resent")).toHaveLength(250);

    platform.divert("policy-events", 250); // the same transaction ids come back (tx-0...), as if the platform kept them
    const second = await cli(["diverted", "resend", "policy-events", "--all", "--json"], io);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.summary).toEqual({ selected: 250, resent: 0, failed: 0, unknown: 0, skipped: 250, notAttempted: 0 });
    expect(platform.resent).toHaveLength(250);
  });

  it("the ledger knows the platform however its base URL is spelt (case, default port, trailing slash)", async () => {
    const platform = platformWithDiverted(3);
    const io = (baseUrl: string) => ({ fetch: platform.fetch, cwd: dir.path, env: { SOCOTRA_BASE_URL: baseUrl } });
    expect((await cli(["diverted", "resend", "policy-events", "--all"], io("https://platform.test"))).code).toBe(0);
    for (const spelling of ["https://PLATFORM.test", "https://platform.test:443/", "HTTPS://platform.test//"]) {
      platform.divert("policy-events", 3); // the same transaction ids come back (tx-0...)
      const again = await cli(["diverted", "resend", "policy-events", "--all", "--json"], io(spelling));
      expect(again.code, spelling).toBe(0);
      expect(JSON.parse(again.stdout).summary, spelling).toMatchObject({ resent: 0, skipped: 3 });
      platform.diverted.set("policy-events", []);
    }
    expect(platform.resent).toHaveLength(3);
  });

  it("--dry-run changes nothing, and shows what it would skip from the ledger", async () => {
    const platform = platformWithDiverted(3);
    const io = { fetch: platform.fetch, cwd: dir.path };
    await cli(["diverted", "resend", "policy-events", "tx-1"], io);
    platform.divert("policy-events", 2); // named tx-2 (a second event of that transaction) and tx-3
    const before = platform.requests.length;
    const { code, stdout } = await cli(["diverted", "resend", "policy-events", "--all", "--dry-run"], io);
    expect(code).toBe(0);
    expect(platform.requests.slice(before).every((request) => request.startsWith("GET"))).toBe(true);
    expect(stdout).toMatch(/^TRANSACTION\s+EVENTS\s+SELECTED TYPES\s+NOTE\ntx-0\s+1\s+policy\.issue\s*\ntx-2\s+2\s+policy\.issue\s*\ntx-3\s+1\s+policy\.issue\s*\n\nDry run: would resend 3 transaction\(s\) of policy-events; 0 skipped\.\n$/);
    const again = await cli(["diverted", "resend", "policy-events", "tx-1", "--dry-run", "--json"], io);
    expect(JSON.parse(again.stdout).results).toEqual([{ transactionId: "tx-1", eventTypes: [], events: 0, partial: false, outcome: "skipped", reason: "already resent (ledger)" }]);
  });

  it("lists failures and exits 1; the next run retries only what failed", async () => {
    const platform = platformWithDiverted(6);
    platform.failWhen((method, path) => (method === "POST" && /tx-[24]\//.test(path) ? 429 : undefined));
    const io = { fetch: platform.fetch, cwd: dir.path };
    const first = await cli(["diverted", "resend", "policy-events", "--all"], io);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/Resent 4 transaction\(s\).*; 2 failed, 0 unknown, 0 skipped\.\nFailed 2 \(safe to run again[^)]*\):\n {2}tx-[24] {2}resend: the platform answered 429\n {2}tx-[24] {2}/);
    platform.failWhen(undefined);
    const second = await cli(["diverted", "resend", "policy-events", "--all", "--json"], io);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).results.filter((result: { outcome: string }) => result.outcome === "resent").map((result: { transactionId: string }) => result.transactionId).sort()).toEqual(["tx-2", "tx-4"]);
    expect(platform.resent.sort()).toEqual(["tx-0", "tx-1", "tx-2", "tx-3", "tx-4", "tx-5"]);
  });

  it("never resends a transaction whose outcome is unknown, unless --retry-unknown says so", async () => {
    const platform = platformWithDiverted(3);
    const io = {
      cwd: dir.path,
      // The connection drops after the platform got the request: it may have resent.
      fetch: async (request: Request) => {
        const response = await platform.fetch(request);
        if (request.url.endsWith("/tx-1/resend")) throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
        return response;
      },
    };
    const first = await cli(["diverted", "resend", "policy-events", "--all"], io);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/1 unknown/);
    platform.divert("policy-events", 2, (index) => ({ transactionId: `tx-${index}` }));
    const second = await cli(["diverted", "resend", "policy-events", "--all", "--json"], { ...io, fetch: platform.fetch });
    expect(JSON.parse(second.stdout).results.map((result: { transactionId: string; outcome: string; reason: string }) => `${result.transactionId} ${result.outcome} ${result.reason}`)).toEqual([
      "tx-0 skipped already resent (ledger)",
      "tx-1 skipped outcome of an earlier resend unknown (ledger): check the receiver, then --retry-unknown",
    ]);
    expect(second.code).toBe(0);
    const forced = await cli(["diverted", "resend", "policy-events", "--all", "--retry-unknown"], { ...io, fetch: platform.fetch });
    expect(forced.code).toBe(0);
    expect(platform.resent.filter((id) => id === "tx-1")).toHaveLength(2);
  });

  it("acts once per transaction id, and says when a selection takes only part of a transaction", async () => {
    const platform = platformWithDiverted(4, (index) => ({ transactionId: index < 3 ? "shared" : "alone", eventType: index === 0 ? "claim.create" : "policy.issue" }));
    const io = { fetch: platform.fetch, cwd: dir.path };
    const { code, stderr, stdout } = await cli(["diverted", "resend", "policy-events", "--type", "claim.*,invoice.issue", "--json"], io);
    expect(code).toBe(0);
    expect(stderr).toMatch(/note: 1 selected transaction\(s\) also hold diverted events the selection left out/);
    expect(JSON.parse(stdout).results).toEqual([{ transactionId: "shared", eventTypes: ["claim.create"], events: 3, partial: true, outcome: "resent", status: 200 }]);
    expect(platform.resent).toEqual(["shared"]);
  });

  it("stops when the token is refused mid-run (it expired): the rest are not attempted, exit 1", async () => {
    const platform = platformWithDiverted(50);
    let posts = 0;
    platform.failWhen((method) => (method === "POST" && ++posts > 5 ? 401 : undefined));
    const { code, stdout, stderr } = await cli(["diverted", "resend", "policy-events", "--all", "--concurrency", "1", "--json"], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(1);
    expect(stderr).toMatch(/stopped: resend: the platform refused the token \(401 Unauthorized\)/);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ stopped: true, interrupted: false, summary: { resent: 5, failed: 1, notAttempted: 44 } });
    platform.failWhen(undefined);
    expect((await cli(["diverted", "resend", "policy-events", "--all"], { fetch: platform.fetch, cwd: dir.path })).code).toBe(0);
    expect(new Set(platform.resent).size).toBe(50);
    expect(platform.resent).toHaveLength(50);
  });

  it("a transaction id not in the list is a failure, named", async () => {
    const platform = platformWithDiverted(1);
    const { code, stdout } = await cli(["diverted", "resend", "policy-events", "tx-0", "tx-404"], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(1);
    expect(stdout).toContain("  tx-404  not in the diverted list of policy-events\n");
    expect(platform.resent).toEqual(["tx-0"]);
  });

  it("keeps to --concurrency and spaces starts by --rate", async () => {
    const platform = platformWithDiverted(12);
    let inFlight = 0;
    let most = 0;
    const starts: number[] = [];
    const fetch = async (request: Request) => {
      if (request.method !== "POST") return platform.fetch(request);
      starts.push(performance.now());
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return platform.fetch(request);
    };
    expect((await cli(["diverted", "resend", "policy-events", "--all", "--concurrency", "3"], { fetch, cwd: dir.path })).code).toBe(0);
    expect(most).toBe(3);
    platform.divert("policy-events", 6, (index) => ({ transactionId: `rated-${index}` }));
    starts.length = 0;
    const began = performance.now();
    expect((await cli(["diverted", "resend", "policy-events", "--type", "policy.issue", "--rate", "100/s", "--concurrency", "6"], { fetch, cwd: dir.path })).code).toBe(0);
    expect(starts).toHaveLength(6);
    // A lower bound only: the n-th start waits for n intervals of 10 ms; a busy machine can delay
    // starts (the ledger's fsync comes first), never bring them forward (1 ms for timer rounding).
    expect(starts.sort((a, b) => a - b).every((start, index) => start - began >= index * 10 - 1)).toBe(true);
  });

  it("on Ctrl-C finishes and records the requests in flight, exits 130; the next run resends the rest", async () => {
    const platform = platformWithDiverted(40);
    const interrupt = new AbortController();
    let posts = 0;
    const fetch = async (request: Request) => {
      if (request.method === "POST" && ++posts === 5) interrupt.abort();
      await new Promise((resolve) => setTimeout(resolve, 2));
      return platform.fetch(request);
    };
    const first = await cli(["diverted", "resend", "policy-events", "--all", "--concurrency", "3"], { fetch, cwd: dir.path, signal: interrupt.signal });
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/Interrupted: \d+ transaction\(s\) not attempted\. Run the same command again to go on; the ledger skips what was resent\.\n$/);
    const resentFirst = platform.resent.length;
    expect(resentFirst).toBeGreaterThanOrEqual(5);
    expect(resentFirst).toBeLessThan(40);
    const recorded = (await ledgerLines()).filter((line) => line.state === "resent").map((line) => line.transactionId);
    expect(recorded.sort()).toEqual([...platform.resent].sort());
    expect((await ledgerLines()).filter((line) => line.state === "sending")).toHaveLength(resentFirst);

    const second = await cli(["diverted", "resend", "policy-events", "--all"], { fetch: platform.fetch, cwd: dir.path });
    expect(second.code).toBe(0);
    expect(platform.resent).toHaveLength(40);
    expect(new Set(platform.resent).size).toBe(40);
  });

  it("gives the terminal its cursor back when the process exits with the bar shown (a second Ctrl-C)", async () => {
    const { spawnSync } = await import("node:child_process");
    const progress = new URL("../../dist/cli/progress.js", import.meta.url).href;
    const script = `const { createProgress } = await import(${JSON.stringify(progress)});
const tty = { isTTY: true, columns: 80, write: (text) => process.stdout.write(text), on() {}, removeListener() {} };
const bar = await createProgress(tty, "resend", 10);
bar.tick(false);
process.exit(130);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(child.status).toBe(130);
    const output = child.stdout;
    expect(output).toContain("\u001b[?25l");
    expect(output.lastIndexOf("\u001b[?25h")).toBeGreaterThan(output.lastIndexOf("\u001b[?25l"));
  });

  it("shows a progress bar with count, rate and ETA on a terminal", async () => {
    const platform = platformWithDiverted(20);
    const stderr = capture(true);
    const { run } = await import("../../src/cli/run.js");
    const code = await run(["diverted", "resend", "policy-events", "--all"], { env: { SOCOTRA_TOKEN: "tok-3f9a61c2-secret", SOCOTRA_BASE_URL: "http://platform.test" }, fetch: platform.fetch, cwd: dir.path, stdout: capture(), stderr });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/resend \[[█░]+\] 20\/20 \| [\d.]+\/s \| 0 failed \| ETA \d+s/);
  });
});

describe("a platform that misbehaves", () => {
  it("listing the same page forever ends with an error, not unbounded memory", async () => {
    const platform = platformWithDiverted(1000);
    const ignoresOffset = (request: Request) => {
      const url = new URL(request.url);
      url.searchParams.set("offset", "0");
      return platform.fetch(new Request(url, request));
    };
    for (const argv of [["diverted", "resend", "policy-events", "--all"], ["diverted", "list", "policy-events", "--jsonl"]]) {
      const { code, stderr } = await cli(argv, { fetch: ignoresOffset, cwd: dir.path });
      expect(code).toBe(1);
      // The pagination helper sees the repeated page first; the CLI's own check of repeated event ids is the second line.
      expect(stderr).toMatch(/the page at offset 1000 repeats the previous page: the server seems to ignore `offset`; nothing was changed/);
    }
    expect(platform.resent).toEqual([]);
  });

  it("pages that overlap (an event listed twice) end with an error before anything is resent", async () => {
    const platform = platformWithDiverted(1500);
    const overlaps = (request: Request) => {
      const url = new URL(request.url);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      if (offset > 0) url.searchParams.set("offset", String(offset - 1));
      return platform.fetch(new Request(url, request));
    };
    const { code, stderr } = await cli(["diverted", "resend", "policy-events", "--all"], { fetch: overlaps, cwd: dir.path });
    expect(code).toBe(1);
    expect(stderr).toMatch(/listed the diverted event ev-999 twice while paging \(does it ignore offset\?\); nothing was changed/);
    expect(platform.resent).toEqual([]);
  });

  it("a transaction id that a URL path cannot carry is never sent", async () => {
    const platform = platformWithDiverted(3, (index) => ({ transactionId: ["..", ".", "ok"][index]! }));
    const { code, stderr } = await cli(["diverted", "resend", "policy-events", "--all"], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(0);
    expect(stderr).toMatch(/note: 2 diverted event\(s\) have no transaction id that a URL can carry/);
    expect(platform.requests.filter((request) => request.startsWith("POST"))).toEqual(["POST /webhooks/policy-events/diverted/ok/resend"]);
  });
});

describe("diverted delete", () => {
  it("needs --yes off a terminal, then deletes once per transaction", async () => {
    const platform = platformWithDiverted(5);
    const io = { fetch: platform.fetch, cwd: dir.path };
    const refused = await cli(["diverted", "delete", "policy-events", "--all"], io);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Delete the diverted events of 5 transaction\(s\) of policy-events: not asked, as no terminal is attached; pass --yes to confirm/);
    const done = await cli(["diverted", "delete", "policy-events", "--all", "--yes"], io);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Deleted 5 transaction\(s\) of policy-events/);
    expect(platform.diverted.get("policy-events")).toEqual([]);
    const again = await cli(["diverted", "delete", "policy-events", "tx-0", "--yes"], io);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Skipped 1: 1 not in the diverted list of policy-events \(already gone\)\.\n$/);
  });

  it("refuses to delete part of a transaction unless --whole-transactions", async () => {
    const platform = platformWithDiverted(3, (index) => ({ transactionId: "shared", eventType: index === 0 ? "claim.create" : "policy.issue" }));
    const io = { fetch: platform.fetch, cwd: dir.path };
    const refused = await cli(["diverted", "delete", "policy-events", "--type", "claim.create", "--yes"], io);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/1 selected transaction\(s\) also hold diverted events the selection left out \(shared\); the platform deletes by transaction id/);
    expect(platform.diverted.get("policy-events")).toHaveLength(3);
    const done = await cli(["diverted", "delete", "policy-events", "--type", "claim.create", "--yes", "--whole-transactions"], io);
    expect(done.code).toBe(0);
    expect(platform.diverted.get("policy-events")).toEqual([]);
  });
});
