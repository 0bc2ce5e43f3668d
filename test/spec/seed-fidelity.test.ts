// Holds the bundled spec to the API reference, transcribed in fixtures/seed-reference.json:
// every operation, parameter, schema, field, requiredness, type and enum, nothing more.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import reference from "./fixtures/seed-reference.json" with { type: "json" };

type Json = Record<string, any>;
const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));

const deref = (node: Json): Json =>
  node.$ref ? deref(node.$ref.split("/").slice(1).reduce((at: Json, key: string) => at[key], spec)) : node;

/** A schema in the reference's notation: `string`, `[WebhookResponse]`, `string none | one`, `timestamp`... */
function notation(schema: Json): string {
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    // ObservedEventType is the same list, open for the platform's answers: still the reference's type.
    if (name === "WebhookEventType" || name === "ObservedEventType") return "string <eventTypes>";
    if (name === "Timestamp") return "timestamp";
    const target = deref(schema);
    if (target.enum) return notation(target);
    return name;
  }
  if (schema.type === "array") return `[${notation(schema.items)}]`;
  if (schema.enum) return `${schema.type} ${schema.enum.join(" | ")}`;
  return schema.type;
}

describe("the bundled spec matches the API reference", () => {
  it("has exactly the reference's operations", () => {
    const operations = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
      ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(reference.operations.map((op) => `${op.method} ${op.path}`).sort());
  });

  describe.each(reference.operations)("$method $path", (op) => {
    const item = spec.paths[op.path];
    const operation = item?.[op.method.toLowerCase()];

    it("is titled with the reference's action", () => {
      expect(operation.summary).toBe(op.action);
    });

    it("has the reference's parameters, locations, types and requiredness", () => {
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(deref).map((p: Json) => ({
        name: p.name,
        in: p.in,
        type: p.schema.type,
        required: p.required === true,
      }));
      expect(parameters.sort((a, b) => a.name.localeCompare(b.name))).toEqual(op.parameters);
    });

    it("has the reference's request body", () => {
      const body = operation.requestBody && deref(operation.requestBody);
      expect(body ? notation(body.content["application/json"].schema) : null).toBe(op.body);
      if (body) expect(body.required).toBe(true);
    });

    it(op.void ? "answers success with no body (void)" : "answers success with a JSON body", () => {
      const success = deref(operation.responses["200"]);
      expect(success.content === undefined).toBe(op.void);
    });
  });

  it("defines the reference's event types once, in its order", () => {
    expect(spec.components.schemas.WebhookEventType.enum).toEqual(reference.eventTypes);
    expect(JSON.stringify(spec).match(/"cancellation\.create"/g)).toHaveLength(1);
  });

  describe.each(Object.entries(reference.schemas))("schema %s", (name, fields) => {
    const schema = spec.components.schemas[name];

    it("has exactly the reference's fields, types and requiredness", () => {
      expect(schema.type).toBe("object");
      const described = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, notation(schema.properties[key])]));
      const required: string[] = schema.required ?? [];
      const optional = Object.keys(schema.properties).filter((key) => !required.includes(key));
      expect(described(required)).toEqual(fields.required);
      expect(described(optional)).toEqual(fields.optional);
    });
  });

  it("keeps EventStreamData a named, open object", () => {
    expect(spec.components.schemas.EventStreamData).toMatchObject({ type: "object", additionalProperties: true });
  });

  it("encodes timestamps as epoch-millisecond digit strings", () => {
    expect(spec.components.schemas.Timestamp).toMatchObject({ type: "string", pattern: "^[0-9]{1,16}$" });
  });
});
