// iterateDivertedEvents pages with limit/offset until a short page.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebhooksClient, iterateDivertedEvents, WebhooksApiError } from "../../src/index.js";
import { json, startTestServer } from "./test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const event = (n: number) => ({
  eventId: `event-${n}`,
  eventType: "policy.issue",
  timestamp: "1589740898000",
  transactionId: `tx-${n}`,
  data: { policyLocator: String(100000000 + n) },
});
const TOTAL = 5;

const client = () => createWebhooksClient({ baseUrl: server.url, token: "t", retry: false });
const collect = async (iterable: AsyncIterable<{ transactionId: string }>) => {
  const ids: string[] = [];
  for await (const item of iterable) ids.push(item.transactionId);
  return ids;
};

it("walks every page and stops at the first short page", async () => {
  server.answer((request, response) => {
    const query = new URL(request.url, "http://x").searchParams;
    const [limit, offset] = [Number(query.get("limit")), Number(query.get("offset"))];
    const events = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, i) => event(offset + i));
    json(response, 200, { webhookName: "policy-events", events });
  });
  const ids = await collect(iterateDivertedEvents(client(), "policy-events", { pageSize: 2 }));
  expect(ids).toEqual(["tx-0", "tx-1", "tx-2", "tx-3", "tx-4"]);
  expect(server.requests.map((r) => r.url)).toEqual([
    "/webhooks/policy-events/diverted?limit=2&offset=0",
    "/webhooks/policy-events/diverted?limit=2&offset=2",
    "/webhooks/policy-events/diverted?limit=2&offset=4",
  ]);
});

it("asks once more after a full last page, and stops on the empty one", async () => {
  server.answer((request, response) => {
    const offset = Number(new URL(request.url, "http://x").searchParams.get("offset"));
    json(response, 200, { webhookName: "w", events: offset === 0 ? [event(0), event(1)] : [] });
  });
  expect(await collect(iterateDivertedEvents(client(), "w", { pageSize: 2 }))).toEqual(["tx-0", "tx-1"]);
  expect(server.requests).toHaveLength(2);
});

it("throws WebhooksApiError with the status when a page fails", async () => {
  server.answer((_request, response) => json(response, 404, { message: "Webhook not found" }));
  const iterator = iterateDivertedEvents(client(), "missing");
  await expect(iterator.next()).rejects.toMatchObject({ name: "WebhooksApiError", status: 404, body: { message: "Webhook not found" } });
  await expect(collect(iterateDivertedEvents(client(), "missing"))).rejects.toBeInstanceOf(WebhooksApiError);
});

it("refuses a page size that is not a positive integer", async () => {
  await expect(iterateDivertedEvents(client(), "w", { pageSize: 0 }).next()).rejects.toThrow(/`pageSize` must be a positive integer/);
});
