// What a reader of the docs needs on every element: operations with an id (camelCase, verb
// first), a summary, a description and a tag; schemas and properties with a description.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Json = Record<string, any>;
const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
const target = (node: Json): Json => (node.$ref ? spec.components.schemas[node.$ref.split("/").pop()] : node);

const operations = [...Object.entries(spec.paths as Json), ...Object.entries(spec.webhooks as Json)].flatMap(([where, item]) =>
  ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).map((m) => [`${m.toUpperCase()} ${where}`, item[m]] as const),
);

describe.each(operations)("%s", (_where, operation) => {
  it("has a camelCase, verb-first operationId, a summary, a description and a defined tag", () => {
    expect(operation.operationId).toMatch(/^(list|get|create|delete|unsuspend|resend|receive)[A-Z][A-Za-z]+$/);
    expect(operation.summary).toBeTruthy();
    expect(operation.description?.length).toBeGreaterThan(20);
    expect(operation.tags).toHaveLength(1);
    expect(spec.tags.map((tag: Json) => tag.name)).toContain(operation.tags[0]);
  });
});

describe.each(Object.entries(spec.components.schemas as Json))("schema %s", (_name, schema) => {
  it("and each of its properties has a description", () => {
    expect(schema.description?.length).toBeGreaterThan(10);
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Json)) {
      expect(property.description ?? target(property).description, key).toBeTruthy();
    }
  });
});

it("every operationId is unique", () => {
  const ids = operations.map(([, operation]) => operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);
});
