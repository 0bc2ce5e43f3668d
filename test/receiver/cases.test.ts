// Every receiver case, run through each form it applies to (node:http on loopback, Fetch
// `handle(Request)`, Lambda function URL event), so that the three adapters cannot drift apart.
import { describe, expect, it } from "vitest";
import {
  createWebhookReceiver,
  memoryDedupeStore,
  WEBHOOK_EXAMPLES,
  WebhookHandlerTimeoutError,
  type Deviation,
  type ReceivedBody,
  type ReceiverOptions,
  type WebhookReceiver,
} from "../../src/index.js";
import { FORMS, send, type Form, type TestRequest, type TestResponse } from "./forms.js";

const delivery = WEBHOOK_EXAMPLES.eventDelivery[0]!;
const failure = WEBHOOK_EXAMPLES.failureAlert[0]!;
const suspended = WEBHOOK_EXAMPLES.suspensionAlert[0]!;
const json = (value: unknown): TestRequest => ({ body: JSON.stringify(value) });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Log {
  seen: unknown[];
  errors: unknown[];
  deviations: Deviation[];
}

interface Case {
  name: string;
  forms?: readonly Form[];
  options?: ReceiverOptions | (() => ReceiverOptions);
  handlers?: (receiver: WebhookReceiver, log: Log) => void;
  act: (call: (req: TestRequest) => Promise<TestResponse>, log: Log) => Promise<void>;
}

const issuesOf = (response: TestResponse) => (JSON.parse(response.body) as { issues: { path: string; rule: string }[] }).issues;
const record = (log: Log, label?: string) => (body: ReceivedBody) => void log.seen.push(label ?? body);

const cases: Case[] = [
  {
    name: "acknowledges a valid delivery with an empty 200, after its handler ran",
    handlers: (r, log) => r.on("policy.issue", record(log)),
    async act(call, log) {
      const response = await call(json(delivery));
      expect([response.status, response.body]).toEqual([200, ""]);
      expect(log.seen).toEqual([delivery]);
    },
  },
  {
    name: "runs every matching handler: the type, its wildcards at every depth, and *",
    handlers: (r, log) =>
      r
        .on("policy.quote.accept", record(log, "type"))
        .on("policy.quote.*", record(log, "policy.quote.*"))
        .on("policy.*", record(log, "policy.*"))
        .on("policy.reinstatement.*", record(log, "other prefix"))
        .on("claim.*", record(log, "other entity"))
        .on("*", record(log, "*")),
    async act(call, log) {
      expect((await call(json({ ...delivery, type: "policy.quote.accept" }))).status).toBe(200);
      expect(log.seen.sort()).toEqual(["*", "policy.*", "policy.quote.*", "type"]);
    },
  },
  {
    name: "tells a failure alert and a suspension alert apart from deliveries",
    handlers: (r, log) => r.on("*", record(log, "delivery")).onFailureAlert(record(log, "failure")).onSuspendedAlert(record(log, "suspended")),
    async act(call, log) {
      for (const body of [failure, suspended, delivery]) expect((await call(json(body))).status).toBe(200);
      expect(log.seen).toEqual(["failure", "suspended", "delivery"]);
    },
  },
  {
    name: "hands a delivery of a type the spec does not list yet to * and its wildcard (the spec types `type` as a string: no deviation)",
    handlers: (r, log) => r.on("policy.*", record(log, "policy.*")).on("*", record(log, "*")),
    async act(call, log) {
      expect((await call(json({ ...delivery, type: "policy.teleport" }))).status).toBe(200);
      expect([log.seen.sort(), log.deviations]).toEqual([["*", "policy.*"], []]);
    },
  },
  {
    name: "accepts a numeric timestamp, hands the handler its digit string, and reports the deviation without the value",
    handlers: (r, log) => r.on("*", record(log)),
    async act(call, log) {
      expect((await call(json({ ...delivery, timestamp: 1589740898000 }))).status).toBe(200);
      expect(log.seen).toEqual([{ ...delivery, timestamp: "1589740898000" }]);
      expect(log.deviations).toEqual([{ schema: "WebhookPayload", path: "/timestamp", rule: "type" }]);
    },
  },
  {
    name: "accepts a failure alert whose webhookName is a string, and a suspension alert naming an unknown event type",
    handlers: (r, log) => r.onFailureAlert(record(log)).onSuspendedAlert(record(log)),
    async act(call, log) {
      expect((await call(json({ ...failure, webhookName: "policy-events" }))).status).toBe(200);
      expect((await call(json({ ...suspended, event: "policy.teleport" }))).status).toBe(200);
      expect(log.seen).toEqual([{ ...failure, webhookName: "policy-events" }, { ...suspended, event: "policy.teleport" }]);
      expect(log.deviations).toEqual([
        { schema: "FailureMessage", path: "/webhookName", rule: "type" },
        { schema: "EventStreamWebhookSuspendedData", path: "/event", rule: "enum" },
      ]);
    },
  },
  {
    name: "refuses each known deviation with 400 under strict: true",
    options: { strict: true },
    handlers: (r, log) => r.on("*", record(log)).onFailureAlert(record(log)).onSuspendedAlert(record(log)),
    async act(call, log) {
      for (const [body, path] of [
        [{ ...delivery, timestamp: 1589740898000 }, "/timestamp"],
        [{ ...failure, webhookName: "policy-events" }, "/webhookName"],
        [{ ...suspended, event: "policy.teleport" }, "/event"],
      ] as const) {
        const response = await call(json(body));
        expect(response.status).toBe(400);
        expect(issuesOf(response)).toContainEqual(expect.objectContaining({ path }));
      }
      expect([log.seen, log.deviations]).toEqual([[], []]);
    },
  },
  {
    name: "still refuses what is not a known deviation: a fractional or negative timestamp, a malformed event, a deviation beside another error",
    handlers: (r, log) => r.on("*", record(log)).onSuspendedAlert(record(log)),
    async act(call, log) {
      const { id: _id, ...withoutId } = delivery;
      for (const body of [
        { ...delivery, timestamp: 1589740898000.5 },
        { ...delivery, timestamp: -1 },
        { ...suspended, event: "not an event type" },
        { ...withoutId, timestamp: 1589740898000 },
      ]) {
        expect((await call(json(body))).status).toBe(400);
      }
      expect(log.seen).toEqual([]);
    },
  },
  {
    name: "answers 400 with every issue for a body that breaks the contract, and never echoes the body",
    async act(call) {
      const { id: _id, ...withoutId } = delivery;
      const response = await call(json({ ...withoutId, timestamp: "yesterday", username: "sk_live_secret" , data: 5 }));
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toBe("application/problem+json");
      expect(issuesOf(response)).toEqual(expect.arrayContaining([expect.objectContaining({ path: "/id", rule: "required" }), expect.objectContaining({ path: "/timestamp", rule: "pattern" })]));
      expect(response.body).not.toContain("yesterday");
    },
  },
  {
    name: "refuses a body whose JSON is itself a string: nothing is decoded twice",
    handlers: (r, log) => r.on("*", record(log)),
    async act(call, log) {
      const response = await call(json(JSON.stringify(delivery)));
      expect(response.status).toBe(400);
      expect(issuesOf(response)).toContainEqual(expect.objectContaining({ path: "", rule: "type" }));
      expect(log.seen).toEqual([]);
    },
  },
  {
    name: "answers 400 for invalid JSON, an empty body and invalid UTF-8, without quoting them",
    async act(call) {
      const invalid = await call({ body: '{"id": "sk_live_secret' });
      expect([invalid.status, issuesOf(invalid)]).toEqual([400, [expect.objectContaining({ rule: "json" })]]);
      expect(invalid.body).not.toContain("sk_live");
      expect((await call({ body: "" })).status).toBe(400);
      const bytes = await call({ bytes: new Uint8Array([0x7b, 0xff, 0x7d]) });
      expect([bytes.status, issuesOf(bytes)]).toEqual([400, [expect.objectContaining({ rule: "utf8" })]]);
    },
  },
  {
    name: "accepts JSON content types with parameters, any case and +json; answers 415 for anything else, a charset other than UTF-8, or none",
    handlers: (r, log) => r.on("*", record(log, "ran")),
    async act(call, log) {
      for (const type of ["application/json; charset=utf-8", 'application/json; charset="UTF-8"', "APPLICATION/JSON", "application/vnd.socotra+json"]) {
        expect((await call({ headers: { "content-type": type }, body: JSON.stringify(delivery) })).status).toBe(200);
      }
      for (const headers of [{ "content-type": "application/x-www-form-urlencoded" }, { "content-type": "text/plain" }, { "content-type": "application/jsonx" }, { "content-type": "application/json; charset=utf-16" }, { "content-type": "application/json; charset=iso-8859-1" }, {}] as Record<string, string>[]) {
        const response = await call({ headers, body: JSON.stringify(delivery) });
        expect(response.status).toBe(415);
        expect(response.headers["content-type"]).toBe("application/problem+json");
      }
      expect(log.seen).toHaveLength(4);
    },
  },
  {
    name: "answers 405 with Allow: POST for another method",
    async act(call) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const response = await call({ method, ...(method === "GET" ? {} : { body: "{}" }) });
        expect([response.status, response.headers.allow]).toEqual([405, "POST"]);
      }
    },
  },
  {
    name: "answers 413 for a declared length over maxBytes, and for a body that grows past it",
    options: { maxBytes: 2048 },
    async act(call) {
      expect((await call({ headers: { "content-type": "application/json", "content-length": "999999" }, body: "{}" })).status).toBe(413);
      const parts = Array.from({ length: 40 }, () => " ".repeat(1024));
      expect((await call({ stream: { parts, then: "end" } })).status).toBe(413);
    },
  },
  {
    name: "takes a body of exactly maxBytes, in one part or many, and answers 413 one byte over",
    options: { maxBytes: 2048 },
    handlers: (r, log) => r.on("*", record(log, "ran")),
    async act(call, log) {
      const text = JSON.stringify(delivery);
      const exact = text + " ".repeat(2048 - Buffer.byteLength(text));
      const parts = (body: string) => [body.slice(0, 1), body.slice(1, 1000), body.slice(1000)];
      expect((await call({ body: exact })).status).toBe(200);
      expect((await call({ stream: { parts: parts(exact), then: "end" } })).status).toBe(200);
      expect((await call({ body: `${exact} ` })).status).toBe(413);
      expect((await call({ stream: { parts: parts(`${exact} `), then: "end" } })).status).toBe(413);
      expect(log.seen).toEqual(["ran", "ran"]);
    },
  },
  {
    name: "hands deliveries whose types are prototype names (constructor, __proto__, toString) to * alone",
    handlers: (r, log) => {
      r.on("*", (body) => void log.seen.push((body as { type: string }).type));
      r.on("policy.*", () => void log.seen.push("policy.*"));
    },
    async act(call, log) {
      for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty", "policy.__proto__"]) expect((await call(json({ ...delivery, type }))).status).toBe(200);
      expect(log.seen).toEqual(["constructor", "__proto__", "toString", "hasOwnProperty", "policy.__proto__", "policy.*"]);
    },
  },
  {
    name: "collects a body that arrives in parts",
    handlers: (r, log) => r.on("*", record(log, "ran")),
    async act(call, log) {
      const text = JSON.stringify(delivery);
      expect((await call({ stream: { parts: [text.slice(0, 10), text.slice(10, 40), text.slice(40)], then: "end" } })).status).toBe(200);
      expect(log.seen).toEqual(["ran"]);
    },
  },
  {
    name: "answers 408 when the body stops arriving or trickles past bodyTimeoutMs",
    forms: ["node", "fetch"],
    options: { bodyTimeoutMs: 40 },
    handlers: (r, log) => r.on("*", record(log, "ran")),
    async act(call, log) {
      const response = await call({ stream: { parts: ['{"id":'], then: "stall" } });
      expect(response.status).toBe(408);
      // A body that keeps trickling is bounded too: the deadline is for the whole body, not for each part.
      const trickle = await call({ stream: { parts: Array.from({ length: 60 }, () => " "), then: "end" } });
      expect(trickle.status).toBe(408);
      expect(log.seen).toEqual([]);
    },
  },
  {
    name: "answers 500 without handler detail when a handler throws, and tells onError",
    handlers: (r) =>
      r.on("policy.issue", () => {
        throw new Error("database password is hunter2");
      }),
    async act(call, log) {
      const response = await call(json(delivery));
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ type: "about:blank", title: "A handler failed", status: 500 });
      expect(log.errors).toEqual([expect.objectContaining({ message: "database password is hunter2" })]);
    },
  },
  {
    name: "answers only after every matching handler settled, and reports every failure",
    handlers: (r, log) =>
      r
        .on("policy.issue", () => {
          throw new Error("first");
        })
        .on("policy.*", async () => {
          await pause(15);
          throw new Error("second");
        })
        .on("*", async () => {
          await pause(25);
          log.seen.push("slow handler finished");
        }),
    async act(call, log) {
      const response = await call(json(delivery));
      log.seen.push("answered");
      expect(response.status).toBe(500);
      expect(log.seen).toEqual(["slow handler finished", "answered"]);
      expect(log.errors.map((error) => (error as Error).message).sort()).toEqual(["first", "second"]);
    },
  },
  {
    name: "ends a delivery whose handler never settles with 503 after handlerTimeoutMs, and still reports a late failure",
    options: { handlerTimeoutMs: 30 },
    handlers: (r) =>
      r
        .on("policy.issue", () => new Promise(() => undefined))
        .on("*", async () => {
          await pause(60);
          throw new Error("late");
        }),
    async act(call, log) {
      const response = await call(json(delivery));
      expect(response.status).toBe(503);
      expect(log.errors[0]).toBeInstanceOf(WebhookHandlerTimeoutError);
      expect((log.errors[0] as WebhookHandlerTimeoutError).timeoutMs).toBe(30);
      await pause(80);
      expect(log.errors).toContainEqual(expect.objectContaining({ message: "late" }));
    },
  },
  {
    name: "contains an onError that throws: the answer is 500 all the same",
    options: {
      onError: () => {
        throw new Error("reporter down");
      },
      onDeviation: () => {
        throw new Error("metrics down");
      },
    },
    handlers: (r) =>
      r.on("*", async () => {
        throw new Error("handler bug");
      }),
    async act(call) {
      expect((await call(json(delivery))).status).toBe(500);
      expect((await call(json({ ...delivery, timestamp: 1 }))).status).toBe(500);
    },
  },
  {
    name: "contains an onError or onDeviation whose promise rejects: no unhandled rejection, the answer is 500",
    options: { onError: async () => Promise.reject(new Error("reporter down")), onDeviation: async () => Promise.reject(new Error("metrics down")) },
    handlers: (r) =>
      r.on("*", async () => {
        throw new Error("handler bug");
      }),
    async act(call) {
      expect((await call(json({ ...delivery, timestamp: 1 }))).status).toBe(500);
      await pause(5);
    },
  },
  {
    name: "runs the handlers once per envelope id with a dedupe store, and again after they failed",
    options: () => ({ dedupe: memoryDedupeStore() }),
    handlers: (r, log) =>
      r.on("*", (event) => {
        log.seen.push(event.id);
        if (event.username === "fails") throw new Error("fails once");
      }),
    async act(call, log) {
      expect((await call(json(delivery))).status).toBe(200);
      expect((await call(json(delivery))).status).toBe(200);
      const other = { ...delivery, id: "another-event" };
      expect((await call(json({ ...other, username: "fails" }))).status).toBe(500);
      expect((await call(json(other))).status).toBe(200);
      expect(log.seen).toEqual([delivery.id, "another-event", "another-event"]);
    },
  },
  {
    name: "answers a duplicate that arrives while the original still runs with the original's outcome, not an early 200, and runs the handlers itself when the original failed",
    options: () => ({ dedupe: memoryDedupeStore() }),
    handlers: (r, log) =>
      r.on("*", async (event) => {
        log.seen.push(event.username);
        await pause(60);
        if (event.username === "fails") throw new Error("fails once");
      }),
    async act(call, log) {
      const failing = { ...delivery, username: "fails" };
      const original = call(json(failing));
      await pause(15);
      const duplicate = await call(json(failing));
      // The original's failure released the claim: the duplicate took over, and failed as well.
      expect([(await original).status, duplicate.status]).toEqual([500, 500]);
      expect((await call(json(delivery))).status).toBe(200);
      const slow = call(json({ ...delivery, id: "slow-but-fine" }));
      await pause(15);
      expect((await call(json({ ...delivery, id: "slow-but-fine" }))).status).toBe(200);
      expect((await slow).status).toBe(200);
      expect(log.seen).toEqual(["fails", "fails", delivery.username, delivery.username]);
    },
  },
  {
    name: "waits for an asynchronous dedupe store, answers 503 when it fails (unknown) and 500 when it returns no outcome, and 200 for a completed event",
    handlers: (r, log) => r.on("*", record(log, "ran")),
    options: () => {
      const memory = memoryDedupeStore();
      return {
        dedupe: {
          ...memory,
          claim: async (id, options) => {
            await pause(1);
            if (id === "store-down") throw new Error("redis down");
            // A store written without its return value: `await redis.set(...)` and nothing returned.
            if (id === "forgot-to-return") return undefined as never;
            return memory.claim(id, options);
          },
        },
      };
    },
    async act(call, log) {
      expect((await call(json(delivery))).status).toBe(200);
      expect((await call(json(delivery))).status).toBe(200);
      expect((await call(json({ ...delivery, id: "store-down" }))).status).toBe(503);
      expect((await call(json({ ...delivery, id: "forgot-to-return" }))).status).toBe(500);
      expect(log.seen).toEqual(["ran"]);
      expect(log.errors).toEqual([expect.objectContaining({ message: "redis down" }), expect.objectContaining({ name: "WebhooksOptionError", option: "dedupe" })]);
    },
  },
  {
    name: "treats __proto__ and constructor keys as plain data",
    handlers: (r, log) => r.on("*", record(log)),
    async act(call, log) {
      const text = JSON.stringify(delivery).replace('"data":{', '"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},').replace(/^\{/, '{"__proto__":{"polluted":true},');
      expect((await call({ body: text })).status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn((log.seen[0] as { data: object }).data, "__proto__")).toBe(true);
    },
  },
];

describe.each(FORMS)("the %s form", (form) => {
  it.each(cases.filter((c) => (c.forms ?? FORMS).includes(form)).map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const log: Log = { seen: [], errors: [], deviations: [] };
    const receiver = createWebhookReceiver({ onError: (error) => log.errors.push(error), onDeviation: (d) => log.deviations.push(d), ...(typeof c.options === "function" ? c.options() : c.options) });
    c.handlers?.(receiver, log);
    await c.act((req) => send(form, receiver, req), log);
  });
});
