// The generated validators behind parse*() and schemas: every example passes, and each kind of
// mistake, derived from the spec itself, is reported with the path of the field and the rule.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ContractValidationError,
  parse,
  parseFailureMessage,
  parseWebhookPayload,
  parseWebhookSuspendedData,
  schemas,
  validate,
  WebhooksOptionError,
  type SchemaName,
} from "../../src/index.js";
import { Readable } from "node:stream";
import payload from "./fixtures/payload.json" with { type: "json" };

type Json = Record<string, any>;
const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
const componentSchemas = spec.components.schemas as Record<SchemaName, Json>;
const resolve = (schema: Json): Json => (schema.$ref ? resolve(componentSchemas[schema.$ref.split("/").pop() as SchemaName]) : schema);
const objectSchemas = (Object.entries(componentSchemas) as [SchemaName, Json][]).filter(([, s]) => s.type === "object" && s.properties);

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractValidationError);
    return (error as ContractValidationError).issues;
  }
  throw new Error("expected a ContractValidationError, got none");
}

/** Whether a schema takes some string (a string type, or an anyOf with one, as ObservedEventType). */
const takesString = (schema: Json): boolean => {
  const resolved = resolve(schema);
  return resolved.type === "string" || (Array.isArray(resolved.anyOf) && resolved.anyOf.some(takesString));
};
const wrongTypeFor = (schema: Json): unknown => (takesString(schema) ? 42 : "not-the-right-type");

describe.each(objectSchemas)("%s", (name, schema) => {
  const example = (schema.examples as Json[])[0]!;

  it("accepts its examples", () => {
    for (const value of schema.examples) expect(parse(name, value)).toEqual(value);
  });

  it.each((schema.required ?? []) as string[])("reports the missing required field %s at its own path", (field) => {
    const broken = structuredClone(example);
    delete broken[field];
    expect(issuesOf(() => parse(name, broken))).toContainEqual({ path: `/${field}`, rule: "required", message: "is required" });
  });

  it.each(Object.keys(schema.properties))("reports a wrong type in %s", (field) => {
    const broken = { ...structuredClone(example), [field]: wrongTypeFor(schema.properties[field]) };
    expect(issuesOf(() => parse(name, broken))).toContainEqual(expect.objectContaining({ path: `/${field}`, rule: "type" }));
  });

  const enumFields = Object.keys(schema.properties).filter((field) => {
    const property = resolve(schema.properties[field]);
    return property.enum ?? (property.items && resolve(property.items).enum);
  });
  if (enumFields.length > 0) it.each(enumFields)("reports an unknown enum value in %s", (field) => {
    const isArray = resolve(schema.properties[field]).type === "array";
    const broken = { ...structuredClone(example), [field]: isArray ? ["policy.teleport"] : "policy.teleport" };
    expect(issuesOf(() => parse(name, broken))).toContainEqual(
      expect.objectContaining({ path: isArray ? `/${field}/0` : `/${field}`, rule: "enum" }),
    );
  });

  const timestampFields = Object.keys(schema.properties).filter((field) => schema.properties[field].$ref?.endsWith("/Timestamp"));
  if (timestampFields.length > 0) it.each(timestampFields)("reports a malformed timestamp in %s", (field) => {
    for (const malformed of ["2020-05-17T18:41:38Z", "1589740898000.5", "", "-1"]) {
      const broken = { ...structuredClone(example), [field]: malformed };
      expect(issuesOf(() => parse(name, broken))).toContainEqual(expect.objectContaining({ path: `/${field}`, rule: "pattern" }));
    }
  });

  if (schema.additionalProperties === false) {
    it("reports an unknown field by name", () => {
      const broken = { ...structuredClone(example), nmae: "typo" };
      expect(issuesOf(() => parse(name, broken))).toContainEqual(expect.objectContaining({ path: "/nmae", rule: "additionalProperties" }));
    });
  }

  it("is a Standard Schema v1 object", () => {
    const standard = schemas[name]["~standard"];
    expect(standard.version).toBe(1);
    expect(standard.validate(example)).toEqual({ value: example });
    const field = (schema.required ?? Object.keys(schema.properties))[0] as string;
    const result = standard.validate({ ...structuredClone(example), [field]: wrongTypeFor(schema.properties[field]) });
    expect(result.issues).toContainEqual(expect.objectContaining({ path: [field] }));
  });
});

describe("the receiving helpers", () => {
  const text = JSON.stringify(payload);

  it("accept a parsed value, JSON text, a Buffer, a Uint8Array and an ArrayBuffer", () => {
    const bytes = new TextEncoder().encode(text);
    for (const input of [payload, text, Buffer.from(text), bytes, bytes.buffer]) expect(parseWebhookPayload(input)).toEqual(payload);
  });

  it("name every bad field at once", () => {
    const issues = issuesOf(() => parseWebhookPayload({ ...payload, id: 7, timestamp: 1589740898000, username: undefined }));
    expect(issues.map((issue) => issue.path).sort()).toEqual(["/id", "/timestamp", "/username"]);
  });

  it("reject invalid JSON and invalid UTF-8 as ContractValidationError", () => {
    expect(issuesOf(() => parseWebhookPayload(text.slice(0, -3)))).toEqual([expect.objectContaining({ path: "", rule: "json" })]);
    expect(issuesOf(() => parseWebhookPayload(Buffer.from([0x7b, 0xff, 0x7d])))).toEqual([expect.objectContaining({ rule: "utf8" })]);
  });

  it("never quote the body in an error", () => {
    const secret = "{ sk_live_do_not_print";
    const error = (() => {
      try {
        parseWebhookPayload(secret);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).not.toContain("sk_live");
  });

  it("reject a body over the byte limit before parsing it", () => {
    const issues = issuesOf(() => parseWebhookPayload(text, { maxBytes: text.length - 1 }));
    expect(issues).toEqual([expect.objectContaining({ rule: "size" })]);
    // Multi-byte characters count as bytes, not as string length.
    const wide = JSON.stringify({ ...payload, username: "é".repeat(600) });
    expect(issuesOf(() => parseWebhookPayload(wide, { maxBytes: wide.length + 100 }))).toEqual([expect.objectContaining({ rule: "size" })]);
    expect(parseWebhookPayload(wide, { maxBytes: wide.length + 600 }).username).toHaveLength(600);
    expect(issuesOf(() => parseWebhookPayload(Buffer.from(text), { maxBytes: 10 }))).toEqual([expect.objectContaining({ rule: "size" })]);
  });

  it("parse the two alerts", () => {
    const [failure] = componentSchemas.FailureMessage.examples;
    const [suspended] = componentSchemas.EventStreamWebhookSuspendedData.examples;
    expect(parseFailureMessage(JSON.stringify(failure))).toEqual(failure);
    expect(parseWebhookSuspendedData(JSON.stringify(suspended))).toEqual(suspended);
    expect(issuesOf(() => parseWebhookSuspendedData(failure))[0]?.rule).toBe("required");
  });

  it("refuse an unknown schema name with a WebhooksOptionError", () => {
    expect(() => parse("Nope" as SchemaName, {})).toThrow(/unknown schema name "Nope"/);
  });

  it("look names up as own properties only: prototype names are unknown schemas, never a pass", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "ROOT_TYPES"]) {
      expect(() => parse(name as SchemaName, payload)).toThrow(new WebhooksOptionError("parse", "name", "enum", `unknown schema name "${name}"; expected one of the spec's component schemas, such as "WebhookPayload"`));
      expect(() => validate(name as SchemaName, payload)).toThrow(WebhooksOptionError);
      expect(Object.hasOwn(schemas, name)).toBe(false);
      expect((schemas as Record<string, unknown>)[name]).toBeUndefined();
    }
    expect(() => parse(42 as unknown as SchemaName, payload)).toThrow(/unknown schema name number/);
  });

  it("say what to pass instead of a stream, a Request, a Response, a Blob or a promise", async () => {
    const inputs: [unknown, RegExp][] = [
      [new Request("http://x.test/", { method: "POST", body: text }), /got a Request: pass `await request\.text\(\)`/],
      [new Response(text), /got a Response: pass `await response\.text\(\)`/],
      [new Blob([text]), /got a Blob: pass `await blob\.text\(\)`/],
      [new Response(text).body, /got a ReadableStream/],
      [Readable.from([text]), /got a stream: read it whole first/],
      [Promise.resolve(text), /got a Promise: await it first/],
    ];
    for (const [input, message] of inputs) {
      expect(() => parseWebhookPayload(input)).toThrow(WebhooksOptionError);
      expect(() => parseWebhookPayload(input)).toThrow(message);
    }
  });
});

describe("validate", () => {
  it("checks a parsed value and never decodes: JSON text and bytes are not bodies", () => {
    expect(validate("WebhookPayload", payload)).toBe(payload);
    const text = JSON.stringify(payload);
    expect(issuesOf(() => validate("WebhookPayload", text))).toEqual([expect.objectContaining({ path: "", rule: "type" })]);
    expect(issuesOf(() => validate("WebhookPayload", new TextEncoder().encode(text)))).toContainEqual(expect.objectContaining({ path: "/id", rule: "required" }));
    expect(validate("WebhookEventType", "policy.issue")).toBe("policy.issue");
  });

  it("does not decode twice: a JSON string holding JSON stays a string", () => {
    const twice = JSON.stringify(JSON.stringify(payload));
    expect(issuesOf(() => parseWebhookPayload(twice))).toEqual([expect.objectContaining({ path: "", rule: "type" })]);
  });
});
