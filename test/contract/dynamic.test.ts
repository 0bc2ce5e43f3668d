// Dynamic mode: Prism generates responses from the schemas instead of answering the examples.
// Many generated answers per operation must all validate, which shows the schemas are satisfiable
// and agree with the generated validators. The file's mock generates them on request
// (`Prefer: dynamic=true`, unseeded, so each answer differs; a failure prints the body). Prism
// re-seeds every request, so a mock started with a fixed seed answers the same body every time:
// that is what makes `startMockServer({ dynamic: true, seed })` good for stable snapshots.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhooksClient, parse, type SchemaName } from "../../src/index.js";
import { startMockServer, type MockServer } from "../../src/testing.js";
import { useMock } from "../support/mock.js";
import { exampleParams, operations, spec, type Json } from "./operations.js";

const RESPONSES_PER_OPERATION = 25;
const mock = await useMock();
const client = createWebhooksClient({ baseUrl: mock.url, token: "t", retry: false });

describe.each(operations.filter((operation) => operation.responses.get(200) !== undefined))("$method $path", (operation) => {
  it(`answers ${RESPONSES_PER_OPERATION} generated bodies that all validate`, async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < RESPONSES_PER_OPERATION; i += 1) {
      const { data, response } = await (client as unknown as { request: Function }).request(operation.method, operation.path, {
        params: exampleParams(operation),
        body: operation.bodyExample,
        headers: { Prefer: "dynamic=true" },
      });
      expect(response.status).toBe(200);
      expect(() => parse(operation.responses.get(200) as SchemaName, data), JSON.stringify(data)).not.toThrow();
      bodies.add(JSON.stringify(data));
    }
    // Generated, not the example over and over.
    expect(bodies.size).toBeGreaterThan(RESPONSES_PER_OPERATION / 2);
  });
});

describe("a seeded dynamic mock", () => {
  let seeded: MockServer;
  beforeAll(async () => {
    seeded = await startMockServer({ dynamic: true, seed: 20261127 });
  });
  afterAll(() => seeded.stop());

  it("repeats its generated answer, which validates and is not the example", async () => {
    const seededClient = createWebhooksClient({ baseUrl: seeded.url, token: "t", retry: false });
    const [first, second] = await Promise.all([seededClient.GET("/webhooks"), seededClient.GET("/webhooks")]);
    expect(first.data).toEqual(second.data);
    expect(() => parse("WebhooksResponse", first.data)).not.toThrow();
    const example = Object.values(spec.paths["/webhooks"].get.responses["200"].content["application/json"].examples as Json)[0].value;
    expect(first.data).not.toEqual(example);
  });
});
