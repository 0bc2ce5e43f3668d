// Prism in dynamic mode generates responses from the schemas: many generated answers per operation
// must all validate, which shows the schemas are satisfiable and agree with the generated
// validators. Prism re-seeds every request, so a seeded mock answers the same body each time: the
// variety comes from an unseeded mock (a failure prints the body), the repeatability from a seeded one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhooksClient, parse, type SchemaName } from "../../src/index.js";
import { startMockServer, type MockServer } from "../../src/testing.js";
import { exampleParams, operations, spec, type Json } from "./operations.js";

const RESPONSES_PER_OPERATION = 25;
let mock: MockServer;
let seeded: MockServer;
beforeAll(async () => {
  [mock, seeded] = await Promise.all([startMockServer({ dynamic: true }), startMockServer({ dynamic: true, seed: 20261127 })]);
});
afterAll(() => Promise.all([mock.stop(), seeded.stop()]));

describe.each(operations.filter((operation) => operation.responses.get(200) !== undefined))("$method $path", (operation) => {
  it(`answers ${RESPONSES_PER_OPERATION} generated bodies that all validate`, async () => {
    const client = createWebhooksClient({ baseUrl: mock.url, token: "t", retry: false });
    const bodies = new Set<string>();
    for (let i = 0; i < RESPONSES_PER_OPERATION; i += 1) {
      const { data, response } = await (client as unknown as { request: Function }).request(operation.method, operation.path, {
        params: exampleParams(operation),
        body: operation.bodyExample,
      });
      expect(response.status).toBe(200);
      expect(() => parse(operation.responses.get(200) as SchemaName, data), JSON.stringify(data)).not.toThrow();
      bodies.add(JSON.stringify(data));
    }
    // Generated, not the example over and over.
    expect(bodies.size).toBeGreaterThan(1);
  });
});

it("repeats its generated answers with a seed", async () => {
  const client = createWebhooksClient({ baseUrl: seeded.url, token: "t", retry: false });
  const [first, second] = await Promise.all([client.GET("/webhooks"), client.GET("/webhooks")]);
  expect(first.data).toEqual(second.data);
  expect(() => parse("WebhooksResponse", first.data)).not.toThrow();
  const example = Object.values(spec.paths["/webhooks"].get.responses["200"].content["application/json"].examples as Json)[0].value;
  expect(first.data).not.toEqual(example); // generated, not the example
});
