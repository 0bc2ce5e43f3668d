// The page's pure parts: how an attempt reads, the timeline URL, paging, the type search, and
// the check of `data` before an event is raised.
import { describe, expect, it } from "vitest";
import { answerText, failureText, kindText, listOf, outcomeText, Pager, parseData, problemLines, searchTypes, shownText, timelineUrl, timeText, MAX_SHOWN } from "../../../src/simulator/console/page/format.js";
import { WEBHOOK_EVENT_TYPES } from "../../../generated/event-types.js";

describe("how an attempt reads", () => {
  it.each([
    [{ status: 200, error: null }, "200"],
    [{ status: 503, error: null }, "503"],
    [{ status: null, error: "timeout" }, "timeout"],
    [{ status: null, error: "no-answer" }, "no answer"],
    [{ status: null, error: "no-integration" }, "no integration"],
    [{ status: null, error: "contract-violation" }, "not sent (contract violation)"],
    [{ status: null, error: "constructor" }, "no answer"],
  ] as const)("%o reads %s", (attempt, text) => {
    expect(answerText(attempt as Parameters<typeof answerText>[0])).toBe(text);
  });

  it("names outcomes, kinds, times and failure handling", () => {
    expect([outcomeText({}), outcomeText({ outcome: "diverted" })]).toEqual(["retried", "diverted"]);
    expect([kindText("event"), kindText("suspensionAlert"), kindText("__proto__")]).toEqual(["delivery", "suspension alert", "__proto__"]);
    expect(timeText(Date.UTC(2026, 11, 7, 4, 5, 38, 123))).toBe("2026-12-07 04:05:38.123 UTC");
    expect(timeText(String(Date.UTC(2026, 0, 1)))).toBe("2026-01-01 00:00:00.000 UTC");
    expect([timeText("soon"), timeText(undefined)]).toEqual(["soon", ""]);
    expect(failureText({ mode: "divert", actOnStatusCodes: ["500", "503"], actOnTimeout: true })).toBe("divert on 500, 503, timeout");
    expect(failureText({ mode: "none", actOnStatusCodes: [], actOnTimeout: false })).toBe("none");
  });
});

describe("the timeline's URL and pages", () => {
  it("sends only the filters set, the anchor and the cursor", () => {
    expect(timelineUrl({ webhook: "a&b=c", type: "", outcome: "retried", kind: "" }, { limit: 100 })).toBe("/_simulator/ui/api/timeline?webhook=a%26b%3Dc&outcome=retried&limit=100");
    expect(timelineUrl({ webhook: "", type: "policy.issue", outcome: "", kind: "alert" }, { before: 40, since: { seq: 99, journal: "j1" }, limit: 10 })).toBe("/_simulator/ui/api/timeline?type=policy.issue&kind=alert&before=40&since=99&journal=j1&limit=10");
  });

  it("goes older and newer through a stack of anchors; the newest page has none", () => {
    const pager = new Pager();
    expect([pager.atNewest, pager.before, pager.pageNumber]).toEqual([true, undefined, 1]);
    pager.older(500);
    pager.older(400);
    expect([pager.atNewest, pager.before, pager.pageNumber]).toEqual([false, 400, 3]);
    pager.newer();
    expect(pager.before).toBe(500);
    pager.newest();
    expect([pager.atNewest, pager.before]).toEqual([true, undefined]);
  });
});

describe("the raise form", () => {
  it("searches the event types by every word typed", () => {
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(100);
    expect(searchTypes(WEBHOOK_EVENT_TYPES, "")).toHaveLength(100);
    expect(searchTypes(WEBHOOK_EVENT_TYPES, "POLICY iss")).toContain("policy.issue");
    expect(searchTypes(WEBHOOK_EVENT_TYPES, "claim reserve").every((type) => /claim/i.test(type) && /reserve/i.test(type))).toBe(true);
    expect(searchTypes(WEBHOOK_EVENT_TYPES, "no-such-type")).toEqual([]);
  });

  it("reads data as a JSON object, naming the field and the rule otherwise", () => {
    expect(parseData('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseData("  ")).toEqual({ ok: true, value: {} });
    expect(parseData("[1]")).toEqual({ ok: false, message: "data: must be a JSON object (EventStreamData is an object)" });
    expect(parseData("null")).toMatchObject({ ok: false });
    expect(parseData("{oops")).toMatchObject({ ok: false, message: expect.stringMatching(/^data: is not valid JSON/) });
  });

  it("lists an API error's issues with the field and the rule", () => {
    expect(problemLines(400, { message: "Invalid request", issues: [{ path: "/type", rule: "enum", message: "must be one of the event types" }, { path: "", rule: "type", message: "must be an object" }] })).toEqual([
      "400: Invalid request",
      "/type must be one of the event types (enum)",
      "(root) must be an object (type)",
    ]);
    expect(problemLines(502, null)).toEqual(["502: the request failed"]);
    expect(listOf(" policy.issue,policy.create ,, claim.create ")).toEqual(["policy.issue", "policy.create", "claim.create"]);
  });
});

describe("shownText", () => {
  it("bounds a text and writes out the invisible controls that would hide or reorder it", () => {
    expect(shownText("orders")).toBe("orders");
    expect(shownText("x".repeat(1_000_000))).toBe(`${"x".repeat(MAX_SHOWN)}…`);
    expect(shownText("abc\u202Egnp.exe")).toBe("abc[U+202E]gnp.exe");
    expect(shownText("a\u0000b\u2066c\u200Bd\u001be")).toBe("a[U+0000]b[U+2066]c[U+200B]d[U+001B]e");
    expect(shownText("line\ttab\nnext ŁÓДЗ עברית 😀")).toBe("line\ttab\nnext ŁÓДЗ עברית 😀");
    expect(shownText("abcdef", 3)).toBe("abc…");
  });
});
