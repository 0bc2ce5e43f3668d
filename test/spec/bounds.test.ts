// Holds the bundled spec to its own rules for what clients send, so that a later change cannot
// quietly drop a bound: every request input is bounded, every request object is closed, and each
// bound the API reference does not state says so. Servers are https, but for the local mock.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Json = Record<string, any>;
const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.dereferenced.json", import.meta.url), "utf8"));

interface Input {
  where: string;
  schema: Json;
  /** The description that states the input's bounds: its own, or its property's or parameter's. */
  described: string;
}

/** Every schema a client sends: parameters and request bodies, down through properties and items. */
function requestInputs(): Input[] {
  const found: Input[] = [];
  const walk = (schema: Json, where: string, described: string) => {
    const own = schema.description ?? described;
    found.push({ where, schema, described: own });
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Json)) walk(property, `${where}/properties/${key}`, "");
    if (schema.items) walk(schema.items, `${where}/items`, own);
  };
  for (const [path, item] of Object.entries(spec.paths as Json)) {
    for (const method of ["get", "put", "post", "delete", "patch"].filter((m) => item[m])) {
      const op = item[method];
      for (const parameter of [...(item.parameters ?? []), ...(op.parameters ?? [])]) walk(parameter.schema, `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}`, parameter.description ?? "");
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (body) walk(body, `${method.toUpperCase()} ${path} body`, "");
    }
  }
  return found;
}

const inputs = requestInputs();
const byType = (type: string) => inputs.filter((input) => input.schema.type === type).map((input) => [input.where, input] as const);

describe("request inputs", () => {
  it("are found", () => {
    expect(byType("string").length).toBeGreaterThan(5);
    expect(byType("object").length).toBeGreaterThan(1);
  });

  it.each(byType("string"))("%s: a string has an enum, a pattern or a maxLength", (_where, { schema }) => {
    expect(schema.enum ?? schema.pattern ?? schema.maxLength).toBeDefined();
  });

  it.each(byType("array"))("%s: an array has a maxItems", (_where, { schema }) => {
    expect(schema.maxItems).toBeGreaterThan(0);
  });

  it.each(byType("integer"))("%s: an integer has a minimum and a maximum", (_where, { schema }) => {
    expect([typeof schema.minimum, typeof schema.maximum]).toEqual(["number", "number"]);
  });

  it.each(byType("object"))("%s: an object is closed (additionalProperties: false)", (_where, { schema }) => {
    expect(schema.additionalProperties).toBe(false);
  });

  const bounded = inputs.filter(({ schema }) => ["maxLength", "maxItems", "maximum", "pattern"].some((keyword) => keyword in schema) && !schema.enum);
  it.each(bounded.map((input) => [input.where, input] as const))("%s: a bound of this contract's says so", (_where, { schema, described }) => {
    const timestamp = schema.pattern === spec.components.schemas.Timestamp.pattern;
    expect(timestamp ? schema.description : described).toMatch(/generous|bound of this contract|this contract's/i);
  });
});

it("lists https servers only, besides the local mock", () => {
  for (const { url } of spec.servers as { url: string }[]) expect(url).toMatch(/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost)[:/]/);
});
