// The console's timeline over the journal: filters, newest-first pages anchored on seq, and the
// query it reads from the URL, with each bad parameter named.
import { describe, expect, it } from "vitest";
import { matches, MAX_TEXT, parseTimelineQuery, timelinePage, type TimelineJournal } from "../../../src/simulator/console/timeline.js";
import type { DeliveryAttempt } from "../../../src/simulator/index.js";

function attempt(seq: number, fields: Partial<DeliveryAttempt> = {}): DeliveryAttempt {
  return { seq, time: seq, kind: "event", via: "emit", webhookName: "a", integrationName: "i", url: "http://x/", eventId: `e${seq}`, transactionId: `t${seq}`, eventType: "policy.issue", attempt: 1, status: 200, error: null, ms: 1, outcome: "delivered", ...fields };
}

/** An array (oldest first, as deliveries() lists it) read as the simulator's journal. */
const view = (entries: DeliveryAttempt[]): TimelineJournal => ({
  size: entries.length,
  newestSeq: entries.at(-1)?.seq ?? 0,
  visitNewestFirst: (visit) => void entries.toReversed().every((entry) => visit(entry) !== false),
});

const journal = Array.from({ length: 50 }, (_, i) =>
  attempt(i + 11, {
    webhookName: i % 2 === 0 ? "a" : "b",
    eventType: i % 5 === 0 ? "claim.create" : "policy.issue",
    ...(i % 3 === 0 ? { outcome: undefined, status: null, error: "no-answer" as const } : {}),
    ...(i === 49 ? { kind: "failureAlert" as const } : {}),
  }),
);

describe("matches", () => {
  it.each([
    [{}, true],
    [{ webhook: "a" }, true],
    [{ webhook: "b" }, false],
    [{ type: "policy.issue" }, true],
    [{ outcome: "delivered" as const }, true],
    [{ outcome: "retried" as const }, false],
    [{ kind: "alert" as const }, false],
    [{ kind: "event" as const }, true],
  ])("%o: %s", (filter, expected) => {
    expect(matches(attempt(1), filter)).toBe(expected);
  });

  it("reads an attempt without an outcome as retried", () => {
    expect(matches(attempt(1, { outcome: undefined }), { outcome: "retried" })).toBe(true);
  });
});

describe("timelinePage", () => {
  it("pages newest first, anchored on the oldest seq shown, and counts every match", () => {
    const first = timelinePage(view(journal), { filter: { webhook: "a" }, limit: 10 }, "j");
    expect(first.entries.map((e) => e.seq)).toEqual([59, 57, 55, 53, 51, 49, 47, 45, 43, 41]);
    expect(first).toMatchObject({ matched: 25, total: 50, newest: 60, more: true, unchanged: false });
    const second = timelinePage(view(journal), { filter: { webhook: "a" }, limit: 10, before: 41 }, "j");
    expect(second.entries[0]!.seq).toBe(39);
    const last = timelinePage(view(journal), { filter: { webhook: "a" }, limit: 10, before: 21 }, "j");
    expect(last.entries.map((e) => e.seq)).toEqual([19, 17, 15, 13, 11]);
    expect(last.more).toBe(false);
  });

  it("combines filters and lists the webhooks and types for the choices", () => {
    const page = timelinePage(view(journal), { filter: { type: "claim.create", outcome: "retried" }, limit: 100 }, "j");
    expect(page.entries.every((e) => e.eventType === "claim.create" && e.outcome === undefined)).toBe(true);
    expect(page.matched).toBe(4);
    expect(page.webhooks).toEqual(["a", "b"]);
    expect(page.types).toEqual(["claim.create", "policy.issue"]);
    expect(timelinePage(view(journal), { filter: { kind: "alert" }, limit: 5 }, "j").entries.map((e) => e.seq)).toEqual([60]);
  });

  it("answers unchanged, with nothing, when the caller holds the newest seq of this journal", () => {
    expect(timelinePage(view(journal), { filter: {}, limit: 10, since: 60, journal: "j1" }, "j1")).toMatchObject({ unchanged: true, entries: [], journal: "j1" });
    expect(timelinePage(view(journal), { filter: {}, limit: 10, since: 59, journal: "j1" }, "j1").unchanged).toBe(false);
    expect(timelinePage(view([]), { filter: {}, limit: 10 }, "j1")).toMatchObject({ newest: 0, entries: [], matched: 0, journal: "j1" });
  });

  it("never answers unchanged to a caller that holds another journal's seq (the simulator restarted: seq began again)", () => {
    const restarted = timelinePage(view(journal), { filter: {}, limit: 10, since: 60, journal: "before-restart" }, "j2");
    expect(restarted).toMatchObject({ unchanged: false, newest: 60, journal: "j2" });
    expect(restarted.entries).toHaveLength(10);
    expect(timelinePage(view(journal), { filter: {}, limit: 10, since: 60 }, "j2").unchanged).toBe(false);
  });

  it("clips the long strings of an attempt, so a page stays bounded whatever an event carried", () => {
    const huge = "x".repeat(1_000_000);
    const page = timelinePage(view([attempt(1, { transactionId: huge, eventId: huge, url: `http://x/${huge}` })]), { filter: {}, limit: 10 }, "j");
    const [entry] = page.entries;
    for (const text of [entry!.transactionId, entry!.eventId, entry!.url]) expect(text).toHaveLength(MAX_TEXT + 1);
    expect(entry!.transactionId.endsWith("…")).toBe(true);
    expect(JSON.stringify(page).length).toBeLessThan(5 * MAX_TEXT);
    expect(timelinePage(view([attempt(1)]), { filter: {}, limit: 10 }, "j").entries[0]).toEqual(attempt(1));
  });
});

describe("parseTimelineQuery", () => {
  it("reads filters, paging and the cursor", () => {
    const { query, issues } = parseTimelineQuery(new URLSearchParams("webhook=a&type=policy.issue&outcome=retried&kind=alert&before=40&since=12&journal=j1&limit=25"));
    expect(issues).toEqual([]);
    expect(query).toEqual({ filter: { webhook: "a", type: "policy.issue", outcome: "retried", kind: "alert" }, before: 40, since: 12, journal: "j1", limit: 25 });
  });

  it("defaults to the newest 100 with no filter, empty values meaning none", () => {
    expect(parseTimelineQuery(new URLSearchParams("webhook=&outcome=")).query).toEqual({ filter: {}, limit: 100 });
  });

  it("names each bad parameter and the rule it breaks", () => {
    const { issues } = parseTimelineQuery(new URLSearchParams(`limit=0&before=x&outcome=__proto__&kind=constructor&webhook=a&webhook=b&type=${"t".repeat(1025)}`));
    expect(issues.map((issue) => `${issue.path} ${issue.rule}`).sort()).toEqual([
      "query parameter before range",
      "query parameter kind enum",
      "query parameter limit range",
      "query parameter outcome enum",
      "query parameter type maxLength",
      "query parameter webhook single",
    ]);
    expect(parseTimelineQuery(new URLSearchParams("limit=501")).issues).toHaveLength(1);
  });
});
