// Deadlines, rates and backoff run on the monotonic clock: a wall clock stepped back (NTP, an
// operator) must not leave a call without a timeout or stall a rate-limited run. Date is faked;
// performance.now is not.
import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { createWebhooksClient, WebhooksTimeoutError } from "../../src/index.js";
import { runBulk } from "../../src/cli/bulk.js";

let server: Server;
let url = "";
beforeAll(async () => {
  // `/webhooks` answers at once; any other path never answers.
  server = createServer((request, response) => {
    if (request.url === "/webhooks") response.writeHead(200, { "content-type": "application/json" }).end('{"webhooks":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => vi.restoreAllMocks());

/** From now on Date.now() answers 10 s earlier than the real time. */
function stepClockBack() {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => real() - 10_000);
}

const bounded = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);

it("a call after the clock stepped back still times out (it never joins a slice whose timer has fired)", async () => {
  const client = createWebhooksClient({ baseUrl: url, token: "clock-token", timeoutMs: 300, retry: false });
  await client.GET("/webhooks");
  // The slice's timer runs out with nothing in flight.
  await new Promise((resolve) => setTimeout(resolve, 500));
  stepClockBack();
  const outcomes = await bounded(Promise.allSettled(Array.from({ length: 31 }, () => client.GET("/webhooks/{name}", { params: { path: { name: "stalls" } } }))), 4000);
  for (const outcome of outcomes) expect(outcome.status === "rejected" && outcome.reason).toBeInstanceOf(WebhooksTimeoutError);
});

it("--rate keeps its pace when the clock steps back mid-run", async () => {
  let started = 0;
  const run = runBulk({
    items: Array.from({ length: 10 }, (_, index) => index),
    concurrency: 2,
    ratePerSecond: 100,
    signal: new AbortController().signal,
    act: async () => {
      started += 1;
      if (started === 3) stepClockBack();
    },
  });
  expect(await bounded(run, 2000)).toBe(10);
});
