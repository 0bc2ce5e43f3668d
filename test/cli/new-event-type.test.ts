// An event type the contract does not list yet, in the platform's answers: every reader accepts
// it and reports it (typed, named, counted, shown), never refuses it. Before, a diverted list
// holding policy.brandNewType made list, resend --dry-run and resend of a known-type transaction
// exit 1 ("must be one of the 100 allowed values").
import { afterEach, beforeEach, expect, it } from "vitest";
import { contractDeviations, createWebhooksClient, iterateDivertedEvents, parse, ContractValidationError } from "../../src/index.js";
import { aWebhook, cli, fakePlatform, tempDir, TOKEN } from "./harness.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

function platform() {
  const stand = fakePlatform();
  stand.webhooks.set("w", aWebhook("w", { events: ["policy.issue", "policy.brandNewType" as never] }));
  stand.divert("w", 4, (index) => ({ eventType: index % 2 === 0 ? ("policy.brandNewType" as never) : "policy.issue" }));
  return stand;
}

it("diverted list shows it, counts it on stderr, and keeps --jsonl as sent", async () => {
  const stand = platform();
  const human = await cli(["diverted", "list", "w"], { fetch: stand.fetch });
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/tx-0\s+policy\.brandNewType/);
  expect(human.stderr).toBe(
    "note: the diverted events of w: 2 value(s) carry 1 event type(s) the contract does not list yet: policy.brandNewType ×2; read as sent (the platform may be newer than this contract)\n",
  );
  const jsonl = await cli(["diverted", "list", "w", "--jsonl"], { fetch: stand.fetch });
  expect(jsonl.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).eventType)).toEqual(["policy.brandNewType", "policy.issue", "policy.brandNewType", "policy.issue"]);
});

it("resend --dry-run, resend --all and resend of one known-type transaction go on", async () => {
  const stand = platform();
  const io = { fetch: stand.fetch, cwd: dir.path };
  expect((await cli(["diverted", "resend", "w", "--all", "--dry-run"], io)).code).toBe(0);
  expect((await cli(["diverted", "resend", "w", "tx-1"], io)).code).toBe(0);
  const all = await cli(["diverted", "resend", "w", "--all"], io);
  expect(all.code).toBe(0);
  expect(stand.resent.sort()).toEqual(["tx-0", "tx-1", "tx-2", "tx-3"]);
});

it("list and get show the webhook's events and note the unknown one", async () => {
  const stand = platform();
  const get = await cli(["get", "w"], { fetch: stand.fetch });
  expect(get.code).toBe(0);
  expect(get.stdout).toMatch(/events\s+policy\.issue, policy\.brandNewType/);
  expect(get.stderr).toMatch(/^note: the webhook w: 1 value\(s\) carry 1 event type\(s\) the contract does not list yet: policy\.brandNewType ×1/);
  expect((await cli(["list"], { fetch: stand.fetch })).code).toBe(0);
});

it("the client reports it as a typed deviation; iterateDivertedEvents yields the event and reports it", async () => {
  const stand = platform();
  const client = createWebhooksClient({ baseUrl: "http://platform.test", token: TOKEN, fetch: stand.fetch });
  const { data, deviations } = await client.GET("/webhooks/{name}", { params: { path: { name: "w" } } });
  expect(data?.events).toEqual(["policy.issue", "policy.brandNewType"]);
  expect(deviations).toEqual([{ kind: "unknown-event-type", path: "/events/1", eventType: "policy.brandNewType" }]);
  const reported: [string, number][] = [];
  const types: string[] = [];
  for await (const event of iterateDivertedEvents(client, "w", { pageSize: 3, onDeviation: (deviation, offset) => reported.push([deviation.path, offset]) })) types.push(event.eventType);
  expect(types).toEqual(["policy.brandNewType", "policy.issue", "policy.brandNewType", "policy.issue"]);
  expect(reported).toEqual([
    ["/events/0/eventType", 0],
    ["/events/2/eventType", 0],
  ]);
  expect(contractDeviations("WebhooksResponse", { webhooks: [{ events: ["claim.open", "claim.reopened"] }] })).toEqual([{ kind: "unknown-event-type", path: "/webhooks/0/events/1", eventType: "claim.reopened" }]);
  // Prototype names are data, never looked up as schemas or fields.
  expect(contractDeviations("__proto__", { constructor: ["x"] })).toEqual([]);
});

it("requests stay strict: a webhook definition with an unknown event type, or named . or .., is refused naming the rule", async () => {
  expect(() => parse("WebhookRequest", { name: "w", events: ["policy.brandNewType"] })).toThrow(ContractValidationError);
  for (const name of [".", ".."]) {
    let issues: readonly { path: string; rule: string }[] = [];
    try {
      parse("WebhookRequest", { name });
    } catch (error) {
      issues = (error as ContractValidationError).issues;
    }
    expect(issues, name).toEqual([expect.objectContaining({ path: "/name", rule: "pattern" })]);
  }
  expect(parse("WebhookRequest", { name: "..." }).name).toBe("...");
  const { writeFile } = await import("node:fs/promises");
  await writeFile(`${dir.path}/dots.yaml`, "- name: '.'\n- name: '..'\n");
  const plan = await cli(["plan", "dots.yaml"], { fetch: fakePlatform().fetch, cwd: dir.path });
  expect(plan.code).toBe(2);
  expect(plan.stderr).toMatch(/webhook \.: field \/name is a dot segment .*\(rule: dot-segment\)/);
  expect(plan.stderr).not.toMatch(/rule: pattern/);
});
