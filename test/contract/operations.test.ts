// Every operation through the typed client against a Prism mock: its success answer and
// every declared error status, each checked against its schema; request-side violations derived
// from the spec, each answered with a declared 4xx; and every (operation, status) pair covered.
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { paths } from "../../generated/schema.js";
import { createWebhooksClient, parse, type SchemaName } from "../../src/index.js";
import { useMock } from "../support/mock.js";
import { schemaTools } from "../validation/arbitraries.js";
import { exampleParams, operations, spec, type Json, type Operation } from "./operations.js";

const { mutations } = schemaTools(spec.components.schemas);

const mock = await useMock();
const client = createWebhooksClient({ baseUrl: mock.url, token: "contract-test-token", retry: false });
const withoutToken = createWebhooksClient({ baseUrl: mock.url, token: "contract-test-token", retry: false });
withoutToken.use({ onRequest: ({ request }) => (request.headers.delete("Authorization"), request) });
// Our client refuses out-of-bounds parameters before sending: the mock's own answer needs a bare openapi-fetch client.
const bare = createClient<paths>({ baseUrl: mock.url, headers: { Authorization: "contract-test-token" } });

const covered = new Set<string>();
type Init = { params?: Json; body?: unknown; headers?: Record<string, string> };
type LooseClient = { request(method: string, path: string, init: Init): Promise<{ data?: unknown; error?: unknown; response: Response }> };

async function call(operation: Operation, init: Init = {}, through: unknown = client) {
  const result = await (through as unknown as LooseClient).request(operation.method, operation.path, {
    params: exampleParams(operation),
    ...(operation.bodyExample && { body: operation.bodyExample }),
    ...init,
  });
  covered.add(`${operation.id} ${result.response.status}`);
  return result;
}

async function expectDeclaredClientError(operation: Operation, init: Init, status = 400, through: unknown = client) {
  const { data, error, response } = await call(operation, init, through);
  expect(operation.responses.has(status)).toBe(true);
  expect({ status: response.status, violations: response.headers.get("sl-violations") !== null }).toEqual({ status, violations: true });
  expect(data).toBeUndefined();
  expect(() => parse("ApiError", error)).not.toThrow();
}

describe.each(operations)("$method $path ($id)", (operation) => {
  it("answers success with a body that matches its schema", async () => {
    const { data, error, response } = await call(operation);
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    const schema = operation.responses.get(200);
    if (schema === undefined) expect(data).toBeUndefined();
    else expect(parse(schema as SchemaName, data)).toEqual(data);
  });

  const errorStatuses = [...operation.responses.keys()].filter((status) => status >= 400);
  it.each(errorStatuses)("answers a declared %i through the typed error", async (status) => {
    const { data, error, response } = await call(operation, { headers: { Prefer: `code=${status}` } });
    expect(response.status).toBe(status);
    expect(data).toBeUndefined();
    expect(parse(operation.responses.get(status) as SchemaName, error)).toEqual(error);
  });

  it("answers 401 without a token", async () => {
    const { response, error } = await call(operation, {}, withoutToken);
    expect(response.status).toBe(401);
    expect(error).toBeDefined();
  });

  const boundedParameters = operation.parameters.flatMap((parameter) => {
    const { schema } = parameter;
    const bad: [string, unknown][] = [];
    if (schema.maxLength !== undefined) bad.push([`longer than ${schema.maxLength}`, "x".repeat(schema.maxLength + 1)]);
    if (schema.minimum !== undefined) bad.push([`below ${schema.minimum}`, schema.minimum - 1]);
    if (schema.maximum !== undefined) bad.push([`above ${schema.maximum}`, schema.maximum + 1]);
    if (schema.type === "integer") bad.push(["not an integer", "ten"], ["a fraction", 1.5]);
    return bad.map(([rule, value]) => ({ label: `${parameter.in} ${parameter.name} ${rule}`, location: parameter.in as "path" | "query", name: parameter.name, value }));
  });
  if (boundedParameters.length > 0) it.each(boundedParameters)("rejects $label with 400 (and the client refuses it unsent)", async ({ location, name, value }) => {
    const params = exampleParams(operation, { [location]: { [name]: value } });
    await expect(call(operation, { params })).rejects.toMatchObject({ name: "WebhooksRequestError", parameter: name });
    await expectDeclaredClientError(operation, { params }, 400, bare);
  });

  // The same single mutations the validators' property tests use: each required field dropped,
  // each field of the wrong type, unknown enum values, an extra field on a closed object.
  const bodyViolations = operation.bodySchema
    ? mutations(operation.bodySchema, operation.bodyExample).map((m) => ({ label: `${m.kind} at ${m.path || "the root"}`, body: m.apply(operation.bodyExample) }))
    : [];
  if (bodyViolations.length > 0) it.each(bodyViolations)("rejects a body with $label with 400", async ({ body }) => {
    await expectDeclaredClientError(operation, { body });
  });
  if (operation.bodySchema) {
    it("rejects a missing body with 400", async () => {
      await expectDeclaredClientError(operation, { body: undefined });
    });
  }
});

// Runs last: tests in a file run in order. Coverage is computed from the spec, not listed by hand.
it("exercised every declared (operation, status) pair", () => {
  const declared = operations.flatMap((operation) => [...operation.responses.keys()].map((status) => `${operation.id} ${status}`));
  expect(declared.filter((pair) => !covered.has(pair))).toEqual([]);
});
