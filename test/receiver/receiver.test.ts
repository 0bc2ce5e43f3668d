// createWebhookReceiver in its Fetch API form: routing by pattern, the three bodies told apart,
// and the answer for each kind of bad request.
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { createWebhookReceiver, WEBHOOK_EXAMPLES, type WebhookPayload } from "../../src/index.js";

const [delivery] = WEBHOOK_EXAMPLES.eventDelivery;
const [failure] = WEBHOOK_EXAMPLES.failureAlert;
const [suspended] = WEBHOOK_EXAMPLES.suspensionAlert;

const post = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://receiver.test/socotra", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("routing", () => {
  it("runs every handler whose pattern matches: the type, its entity wildcard and *", async () => {
    const seen: string[] = [];
    const receiver = createWebhookReceiver()
      .on("policy.issue", (event) => void seen.push(`exact ${event.id}`))
      .on("policy.*", () => void seen.push("entity"))
      .on("claim.*", () => void seen.push("other entity"))
      .on("*", () => void seen.push("all"));
    const response = await receiver.handle(post(delivery));
    expect(response.status).toBe(200);
    expect(seen.sort()).toEqual(["all", "entity", `exact ${delivery!.id}`]);
  });

  it("hands handlers the validated, typed payload", async () => {
    const handler = vi.fn((event: WebhookPayload) => {
      expectTypeOf(event.data).toEqualTypeOf<WebhookPayload["data"]>();
    });
    await createWebhookReceiver().on("policy.issue", handler).handle(post(delivery));
    expect(handler).toHaveBeenCalledWith(delivery);
  });

  it("delivers an event type the enum does not know yet to * and its entity wildcard", async () => {
    const seen: string[] = [];
    const receiver = createWebhookReceiver()
      .on("policy.issue", () => void seen.push("exact"))
      .on("policy.*", () => void seen.push("entity"))
      .on("*", () => void seen.push("all"));
    const response = await receiver.handle(post({ ...delivery, type: "policy.teleport" }));
    expect(response.status).toBe(200);
    expect(seen.sort()).toEqual(["all", "entity"]);
  });

  it("tells the failure and suspension alerts apart from deliveries", async () => {
    const seen: string[] = [];
    const receiver = createWebhookReceiver()
      .on("*", () => void seen.push("delivery"))
      .onFailureAlert((alert) => void seen.push(`failure ${alert.actualStatus}`))
      .onSuspendedAlert((alert) => void seen.push(`suspended ${alert.webhookName}`));
    for (const body of [failure, suspended, delivery]) expect((await receiver.handle(post(body))).status).toBe(200);
    expect(seen).toEqual([`failure ${failure!.actualStatus}`, `suspended ${suspended!.webhookName}`, "delivery"]);
  });

  it("acknowledges a valid body that no handler wants", async () => {
    expect((await createWebhookReceiver().handle(post(delivery))).status).toBe(200);
  });

  it("accepts only known patterns (type-level)", () => {
    const receiver = createWebhookReceiver();
    receiver.on("subClaim.*", () => undefined);
    // @ts-expect-error not an event type
    expect(() => receiver.on("policy.teleport", () => undefined)).toThrow(TypeError);
    // @ts-expect-error not an entity
    expect(() => receiver.on("spaceship.*", () => undefined)).toThrow(TypeError);
  });
});

describe("bad requests", () => {
  const receiver = createWebhookReceiver({ maxBytes: 2048 }).on("*", () => undefined);
  const problemOf = async (response: Response) => {
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    return response.json() as Promise<{ status: number; title: string; issues?: { path: string; rule: string }[] }>;
  };

  it("answers 400 with the issues for a body that breaks the contract", async () => {
    const { id: _id, ...withoutId } = delivery!;
    const response = await receiver.handle(post({ ...withoutId, timestamp: "yesterday" }));
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "/id", rule: "required" }), expect.objectContaining({ path: "/timestamp", rule: "pattern" })]),
    );
  });

  it("answers 400 for invalid JSON", async () => {
    const response = await receiver.handle(post('{"id": '));
    expect(response.status).toBe(400);
    expect((await problemOf(response)).issues).toEqual([expect.objectContaining({ rule: "json" })]);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const response = await receiver.handle(post("id=1", { "content-type": "application/x-www-form-urlencoded" }));
    expect(response.status).toBe(415);
    expect((await problemOf(response)).status).toBe(415);
  });

  it("answers 405 with Allow: POST for other methods", async () => {
    const response = await receiver.handle(new Request("http://receiver.test/socotra", { method: "GET" }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 413 for a declared length over the limit, without reading the body", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request("http://receiver.test/socotra", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "999999" },
      body,
      duplex: "half",
    } as RequestInit);
    expect((await receiver.handle(request)).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("answers 413 for a streamed body that grows past the limit, stopping there", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
      },
    });
    const request = new Request("http://receiver.test/socotra", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect((await receiver.handle(request)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it("answers 500 with no handler detail when a handler throws, and tells onError", async () => {
    const onError = vi.fn();
    const failing = createWebhookReceiver({ onError }).on("policy.issue", () => {
      throw new Error("database password is hunter2");
    });
    const response = await failing.handle(post(delivery));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toEqual({ type: "about:blank", title: "A handler failed", status: 500 });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "database password is hunter2" }), delivery);
  });

  it("refuses a maxBytes that is not a positive integer", () => {
    expect(() => createWebhookReceiver({ maxBytes: 0 })).toThrow(/`maxBytes` must be a positive integer/);
  });
});
