// Selecting diverted events, and the resend ledger's durability rules.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../src/index.js";
import { CliError } from "../../src/cli/context.js";
import { Ledger } from "../../src/cli/ledger.js";
import { parseInstant, parseSelection, selects } from "../../src/cli/selection.js";
import { tempDir } from "./harness.js";

const event = (eventType: string, timestamp: string, transactionId = "tx") => ({ eventType, timestamp, transactionId }) as Parameters<typeof selects>[1];

function usage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("selection", () => {
  it("reads epoch milliseconds, ISO dates (midnight UTC) and ISO date-times with a zone", () => {
    expect(parseInstant("--since", "1589740898000")).toBe(1589740898000);
    expect(parseInstant("--since", "2026-11-27")).toBe(Date.UTC(2026, 10, 27));
    expect(parseInstant("--since", "2026-11-27T09:30:00+01:00")).toBe(Date.UTC(2026, 10, 27, 8, 30));
    for (const bad of ["2026-02-30", "2026-13-01", "2026-11-27T09:30", "yesterday", "1e12", "", "-5", "2026-11-27T25:00:00Z"]) {
      expect(usage(() => parseInstant("--since", bad)), bad).toMatch(/--since takes epoch milliseconds/);
    }
  });

  it("matches types exactly or by entity wildcard, at every depth the event types use", () => {
    const selection = parseSelection({ type: ["claim.*", "policy.quote.*", "invoice.issue"] }, [], true);
    expect(selects(selection, event("claim.create", "1"))).toBe(true);
    expect(selects(selection, event("subClaim.open", "1"))).toBe(false);
    expect(selects(selection, event("policy.quote.accept", "1"))).toBe(true);
    expect(selects(selection, event("policy.issue", "1"))).toBe(false);
    expect(selects(selection, event("invoice.issue", "1"))).toBe(true);
    const matched = WEBHOOK_EVENT_TYPES.filter((type) => selects(selection, event(type, "1")));
    expect(matched).toEqual(WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith("claim.") || type.startsWith("policy.quote.") || type === "invoice.issue"));
  });

  it("refuses unknown types with the closest known one, and prototype names", () => {
    expect(usage(() => parseSelection({ type: ["policy.issued"] }, [], true))).toMatch(/did you mean policy\.issue\?/);
    expect(usage(() => parseSelection({ type: ["nothing.*"] }, [], true))).toMatch(/no event type starts with that entity/);
    for (const name of ["__proto__", "constructor", "toString", "*"]) expect(usage(() => parseSelection({ type: [name] }, [], true))).toMatch(/is not an event type/);
  });

  it("--since is inclusive, --until exclusive; an unreadable timestamp is never in a time range", () => {
    const selection = parseSelection({ since: "1000", until: "2000" }, [], true);
    expect([event("policy.issue", "999"), event("policy.issue", "1000"), event("policy.issue", "1999"), event("policy.issue", "2000"), event("policy.issue", "soon")].map((e) => selects(selection, e))).toEqual([false, true, true, false, false]);
    expect(usage(() => parseSelection({ since: "2000", until: "1000" }, [], true))).toMatch(/--since must be earlier than --until/);
  });

  it("asks for a choice rather than acting on everything, and keeps --all alone", () => {
    expect(usage(() => parseSelection({}, [], true))).toMatch(/choose the diverted events: --all/);
    expect(usage(() => parseSelection({ all: true, type: ["claim.*"] }, [], true))).toMatch(/--all selects every diverted event: give it alone/);
    expect(usage(() => parseSelection({ all: true }, ["tx-1"], true))).toMatch(/give it alone/);
    const ids = parseSelection({}, ["tx-1", "__proto__"], true);
    expect([selects(ids, event("policy.issue", "1", "__proto__")), selects(ids, event("policy.issue", "1", "constructor"))]).toEqual([true, false]);
  });
});

describe("the ledger", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir.path, "ledger.jsonl");
  });
  afterEach(() => dir.remove());
  const base = { baseUrl: "http://x", webhook: "w" };

  it("records each state as one JSON line, read back by the next run, last record winning", async () => {
    const ledger = await Ledger.open(path, "ledger.jsonl");
    await Promise.all([ledger.record({ ...base, transactionId: "a", state: "sending" }), ledger.record({ ...base, transactionId: "b", state: "sending" })]);
    await ledger.record({ ...base, transactionId: "a", state: "resent", status: 200 });
    await ledger.close();
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.transactionId, line.state])).toEqual([["a", "sending"], ["b", "sending"], ["a", "resent"]]);
    const again = await Ledger.open(path, "ledger.jsonl");
    expect([again.state("http://x", "w", "a"), again.state("http://x", "w", "b"), again.state("http://x", "other", "a")]).toEqual(["resent", "sending", undefined]);
    await again.close();
  });

  it("drops a last line torn by a crash (its request was never sent), and appends whole lines after it", async () => {
    const whole = `${JSON.stringify({ at: "t", ...base, transactionId: "a", state: "resent" })}\n`;
    await writeFile(path, `${whole}{"at":"t","baseUrl":"http://x","webh`);
    const ledger = await Ledger.open(path, "ledger.jsonl");
    expect(ledger.tornLine).toBe(true);
    expect(ledger.state("http://x", "w", "a")).toBe("resent");
    await ledger.record({ ...base, transactionId: "b", state: "resent" });
    await ledger.close();
    expect(await readFile(path, "utf8")).toMatch(new RegExp(`^${whole.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\{[^\n]*"transactionId":"b"[^\n]*\\}\\n$`));
    const reopened = await Ledger.open(path, "ledger.jsonl");
    expect(reopened.state("http://x", "w", "b")).toBe("resent");
    await reopened.close();
  });

  it("refuses a ledger damaged anywhere else, naming the line", async () => {
    await writeFile(path, `{"nonsense": true}\n${JSON.stringify({ at: "t", ...base, transactionId: "a", state: "resent" })}\n`);
    await expect(Ledger.open(path, "ledger.jsonl")).rejects.toThrow(/ledger\.jsonl line 1 is not a ledger record/);
    await writeFile(path, `${JSON.stringify({ at: "t", ...base, transactionId: "a", state: "maybe" })}\n`);
    await expect(Ledger.open(path, "ledger.jsonl")).rejects.toThrow(/line 1/);
  });

  it("lets one run at a time use it; a lock left by a dead process is taken over", async () => {
    const first = await Ledger.open(path, "ledger.jsonl");
    await expect(Ledger.open(path, "ledger.jsonl")).rejects.toThrow(new RegExp(`another socotra-webhooks run \\(process ${process.pid}\\)`));
    await first.close();
    await writeFile(`${path}.lock`, "2147483646");
    const second = await Ledger.open(path, "ledger.jsonl");
    await second.close();
  });

  it("keeps a whole last record that only lacks its newline (an edited file), and starts the next on a new line", async () => {
    await writeFile(path, JSON.stringify({ at: "t", ...base, transactionId: "a", state: "resent" }));
    const ledger = await Ledger.open(path, "ledger.jsonl");
    expect([ledger.tornLine, ledger.state("http://x", "w", "a")]).toEqual([false, "resent"]);
    await ledger.record({ ...base, transactionId: "b", state: "failed" });
    await ledger.close();
    expect((await readFile(path, "utf8")).split("\n").map((line) => (line === "" ? "" : JSON.parse(line).transactionId))).toEqual(["a", "b", ""]);
  });
});
