// Which answers to a resend are failed (safe to retry) and which unknown (never retried by a
// later run): one pure function, tested as a table, and the docs' table is the same table.
import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { classifyAnswer, outcomeTable, type Answer } from "../../src/cli/outcomes.js";
import { WebhooksNetworkError, WebhooksRedirectError, WebhooksRequestError, WebhooksTimeoutError } from "../../src/index.js";
import { aWebhook, cli, fakePlatform, tempDir } from "./harness.js";

const network = (code: string) => new WebhooksNetworkError("POST", "http://x/webhooks", 1, { cause: new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code }) }) });

const TABLE: [string, Answer, "done" | "failed" | "unknown"][] = [
  ["200", { status: 200 }, "done"],
  ["204", { status: 204 }, "done"],
  ["400", { status: 400 }, "failed"],
  ["401", { status: 401 }, "failed"],
  ["404", { status: 404 }, "failed"],
  ["409", { status: 409 }, "failed"],
  ["429", { status: 429 }, "failed"],
  ["408", { status: 408 }, "unknown"],
  ["303", { status: 303 }, "unknown"],
  ["500", { status: 500 }, "unknown"],
  ["501", { status: 501 }, "failed"],
  ["502", { status: 502 }, "unknown"],
  ["503", { status: 503 }, "unknown"],
  ["504", { status: 504 }, "unknown"],
  ["599", { status: 599 }, "unknown"],
  ["102", { status: 102 }, "unknown"],
  ["refused before sending", { error: new WebhooksRequestError("POST", "/x", "name", "dot-segment", "d") }, "failed"],
  ["ECONNREFUSED", { error: network("ECONNREFUSED") }, "failed"],
  ["ENOTFOUND", { error: network("ENOTFOUND") }, "failed"],
  ["EAI_AGAIN", { error: network("EAI_AGAIN") }, "failed"],
  ["a TLS certificate", { error: network("CERT_HAS_EXPIRED") }, "failed"],
  ["ECONNRESET", { error: network("ECONNRESET") }, "unknown"],
  ["UND_ERR_SOCKET", { error: network("UND_ERR_SOCKET") }, "unknown"],
  ["a code it does not know", { error: network("EWHATEVER") }, "unknown"],
  ["a timeout", { error: new WebhooksTimeoutError("POST", "http://x", 30_000) }, "unknown"],
  ["a redirect", { error: new WebhooksRedirectError("POST", "http://x", 307, null) }, "unknown"],
  ["anything else", { error: new Error("?") }, "unknown"],
];

it.each(TABLE.map(([name, answer, outcome]) => ({ name, answer, outcome })))("$name is $outcome", ({ answer, outcome }) => {
  expect(classifyAnswer(answer).outcome).toBe(outcome);
});

it("docs/resend-outcomes.md holds exactly the table the code decides by", async () => {
  const doc = await readFile(new URL("../../docs/resend-outcomes.md", import.meta.url), "utf8");
  const section = /<!-- outcome-table:[^>]*-->\n([\s\S]*?)\n<!-- \/outcome-table -->/.exec(doc)?.[1];
  expect(section).toBe(outcomeTable());
});

describe("a resend answered 502 or 504 (the gateway gave up; the platform may have resent)", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => void (dir = await tempDir()));
  afterEach(() => dir.remove());

  it("is unknown: listed with what to check, never resent by a later run, resent once with --retry-unknown", async () => {
    const platform = fakePlatform();
    platform.webhooks.set("w", aWebhook("w"));
    platform.divert("w", 4);
    // The platform resends, then its gateway answers 502 or 504.
    const gateway = (status: number) => async (request: Request) => {
      const response = await platform.fetch(request);
      return /tx-1\/resend$/.test(request.url) ? new Response(null, { status: 502 }) : /tx-2\/resend$/.test(request.url) ? new Response(null, { status }) : response;
    };
    const io = { fetch: gateway(504), cwd: dir.path };
    const first = await cli(["diverted", "resend", "w", "--all"], io);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/; 0 failed, 2 unknown, 0 skipped\.\nUnknown outcome 2 \(the platform may have acted on these[^)]*--retry-unknown; see docs\/resend-outcomes\.md\):\n {2}tx-1 {2}resend: the platform answered 502: /);
    expect(platform.resent.sort()).toEqual(["tx-0", "tx-1", "tx-2", "tx-3"]);
    // The platform kept them diverted; a second run (the same command) does not resend them.
    platform.divert("w", 3, (index) => ({ transactionId: `tx-${index}` }));
    const second = await cli(["diverted", "resend", "w", "--all"], { ...io, fetch: platform.fetch });
    expect(second.stdout).toMatch(/Outcome unknown from an earlier run, 2 /);
    expect(platform.resent.filter((id) => id === "tx-1" || id === "tx-2")).toHaveLength(2);
    const retried = await cli(["diverted", "resend", "w", "tx-1", "--retry-unknown"], { ...io, fetch: platform.fetch });
    expect(retried.code).toBe(0);
    expect(platform.resent.filter((id) => id === "tx-1")).toHaveLength(2);
  });
});
