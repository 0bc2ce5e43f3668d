// iterateDivertedEvents pages with limit/offset until a short page, and stops on a page it cannot trust.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../generated/operations.js";
import { createWebhooksClient, iterateDivertedEvents, WebhooksApiError, WebhooksPaginationError } from "../../src/index.js";
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
  await expect(iterateDivertedEvents(client(), "w", { pageSize: 0 }).next()).rejects.toThrow(/`pageSize` must be an integer from/);
});

describe("pages it cannot trust end the iteration with a typed error", () => {
  it("a server that ignores offset: the repeated page", async () => {
    server.answer((_request, response) => json(response, 200, { webhookName: "w", events: [event(0), event(1)] }));
    const error = await collect(iterateDivertedEvents(client(), "w", { pageSize: 2 })).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(WebhooksPaginationError);
    expect(error).toMatchObject({ reason: "repeated-page", offset: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("a server that ignores offset and returns the same events in another order: still the repeated page", async () => {
    server.answer((_request, response, index) => json(response, 200, { webhookName: "w", events: index % 2 === 0 ? [event(0), event(1)] : [event(1), event(0)] }));
    const error = await collect(iterateDivertedEvents(client(), "w", { pageSize: 2 })).catch((thrown) => thrown);
    expect(error).toMatchObject({ name: "WebhooksPaginationError", reason: "repeated-page", offset: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("a page longer than asked", async () => {
    server.answer((_request, response) => json(response, 200, { webhookName: "w", events: [event(0), event(1), event(2)] }));
    await expect(collect(iterateDivertedEvents(client(), "w", { pageSize: 2 }))).rejects.toMatchObject({ reason: "page-too-long", offset: 0 });
  });

  it("a page that breaks the contract, naming the field", async () => {
    server.answer((_request, response) => json(response, 200, { webhookName: "w", events: [{ ...event(0), eventId: 7 }] }));
    const error = await collect(iterateDivertedEvents(client(), "w")).catch((thrown) => thrown);
    expect(error).toMatchObject({ name: "WebhooksPaginationError", reason: "invalid-page" });
    expect(error.message).toContain("/events/0/eventId");
  });

  it("maxPages", async () => {
    server.answer((request, response) => {
      const offset = Number(new URL(request.url, "http://x").searchParams.get("offset"));
      json(response, 200, { webhookName: "w", events: [event(offset)] });
    });
    await expect(collect(iterateDivertedEvents(client(), "w", { pageSize: 1, maxPages: 3 }))).rejects.toMatchObject({ reason: "max-pages", offset: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it("refuses page sizes outside the spec's bounds for limit, and a bad maxPages", async () => {
    const limit = OPERATIONS.find((operation) => operation.operationId === "listDivertedEvents")!.queryParameters.find((parameter) => parameter.name === "limit")!;
    await expect(iterateDivertedEvents(client(), "w", { pageSize: limit.maximum! + 1 }).next()).rejects.toThrow(`from ${limit.minimum} to ${limit.maximum}`);
    await expect(iterateDivertedEvents(client(), "w", { maxPages: 0 }).next()).rejects.toThrow(/`maxPages`/);
  });
});

describe("the resend recipe of docs/client.md", () => {
  // A platform where resending an event removes it from the diverted list (undocumented either way).
  function removingServer(total: number) {
    const diverted = Array.from({ length: total }, (_, n) => event(n));
    const resent: string[] = [];
    server.answer((request, response) => {
      const url = new URL(request.url, "http://x");
      const resend = /^\/webhooks\/w\/diverted\/([^/]+)\/resend$/.exec(url.pathname);
      if (request.method === "POST" && resend) {
        const transactionId = decodeURIComponent(resend[1]!);
        resent.push(transactionId);
        diverted.splice(diverted.findIndex((item) => item.transactionId === transactionId), 1);
        return response.writeHead(200).end();
      }
      const [limit, offset] = [Number(url.searchParams.get("limit")), Number(url.searchParams.get("offset"))];
      json(response, 200, { webhookName: "w", events: diverted.slice(offset, offset + limit) });
    });
    return resent;
  }

  it("resends every event once when resending removes it", async () => {
    const resent = removingServer(7);
    const webhooks = client();
    // As in docs/client.md: collect the ids first, then act.
    const transactionIds = new Set<string>();
    for await (const event of iterateDivertedEvents(webhooks, "w", { pageSize: 2 })) transactionIds.add(event.transactionId);
    for (const transactionId of transactionIds) {
      const { response } = await webhooks.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "w", transactionId } } });
      if (!response.ok) throw new Error(`resend ${transactionId}: ${response.status}`);
    }
    expect(resent.sort()).toEqual(Array.from({ length: 7 }, (_, n) => `tx-${n}`).sort());
  });

  it("(why: acting while iterating skips events on such a platform)", async () => {
    const resent = removingServer(7);
    const webhooks = client();
    for await (const event of iterateDivertedEvents(webhooks, "w", { pageSize: 2 })) {
      await webhooks.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "w", transactionId: event.transactionId } } });
    }
    expect(resent.length).toBeLessThan(7);
  });
});
