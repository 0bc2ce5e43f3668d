// A user's tests with fake timers: the node handler's 408 follows the faked setInterval whether or
// not the fake also covers performance.now (node:test's mock.timers and vitest 3's default do not),
// and a receiver whose request was left stalled under fake timers still answers 408 once real
// timers are back (its sweep interval, made by the fake, died with it).
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createNodeHandler, createWebhookReceiver } from "../../src/index.js";

/** A stalled request on a fake socket: `answered` resolves with the status once the handler answers. */
function stalled(handler: ReturnType<typeof createNodeHandler>) {
  const req = Object.assign(new EventEmitter(), { method: "POST", headers: { "content-type": "application/json" }, readableEnded: false, pause: () => undefined });
  let settle: (status: number) => void;
  const answered = new Promise<number>((resolve) => (settle = resolve));
  const res = {
    statusCode: 200,
    headersSent: false,
    setHeader: () => undefined,
    end() {
      this.headersSent = true;
      settle(this.statusCode);
    },
  };
  handler(req, res);
  req.emit("data", Buffer.from('{"id":'));
  return { req, res, answered };
}

describe("body deadlines under a user's fake timers", () => {
  afterEach(() => vi.useRealTimers());

  it("answers 408 when fake timers advance past bodyTimeoutMs, with performance.now not faked", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const { res } = stalled(createNodeHandler(createWebhookReceiver({ bodyTimeoutMs: 1000 })));
    vi.advanceTimersByTime(999);
    expect(res.headersSent).toBe(false);
    vi.advanceTimersByTime(1250 - 999);
    expect([res.headersSent, res.statusCode]).toEqual([true, 408]);
  });

  it("answers 408 on real timers after a request was left stalled under fake ones", async () => {
    const handler = createNodeHandler(createWebhookReceiver({ bodyTimeoutMs: 20 }));
    vi.useFakeTimers();
    const left = stalled(handler);
    vi.useRealTimers();
    const { answered } = stalled(handler);
    expect(await answered).toBe(408); // bounded by the test timeout; was never answered
    expect(left.res.headersSent).toBe(true); // and the one left behind is let go too
  });

  it("lets go at once of a request that closes before its end (a peer gone mid-body): no deadline left, nothing answered later", () => {
    vi.useFakeTimers();
    const { req, res } = stalled(createNodeHandler(createWebhookReceiver({ bodyTimeoutMs: 1000 })));
    req.emit("data", Buffer.alloc(4096)); // a second chunk: the body is held in parts
    req.emit("close");
    vi.advanceTimersByTime(125); // one sweep: it finds the list empty and stops
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(res.headersSent).toBe(false);
  });
});
