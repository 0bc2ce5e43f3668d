// Every example in the bundled spec validates against its schema with ajv (JSON Schema 2020-12),
// and a broken copy of each is rejected, so the check itself is known to bite.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createAjv, schemasDocument } from "../../scripts/validators.js";

type Json = Record<string, any>;
const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
const ajv = createAjv();
ajv.addSchema(schemasDocument(spec));

const toAjvRef = (schema: Json): Json =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${schemasDocument(spec).$id}#/$defs/`));

interface Example {
  where: string;
  schema: Json;
  value: unknown;
}

function collectExamples(): Example[] {
  const found: Example[] = [];
  for (const [name, schema] of Object.entries(spec.components.schemas as Json)) {
    (schema.examples ?? []).forEach((value: unknown, i: number) =>
      found.push({ where: `#/components/schemas/${name}/examples/${i}`, schema: { $ref: `#/components/schemas/${name}` }, value }),
    );
  }
  const visit = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== "object") return;
    const obj = node as Json;
    if (obj.schema && (obj.examples || obj.example !== undefined) && !pointer.includes("/components/schemas/")) {
      if (obj.example !== undefined) found.push({ where: `${pointer}/example`, schema: obj.schema, value: obj.example });
      for (const [key, example] of Object.entries((obj.examples ?? {}) as Json)) {
        found.push({ where: `${pointer}/examples/${key}`, schema: obj.schema, value: example.value });
      }
    }
    for (const [key, child] of Object.entries(obj)) visit(child, `${pointer}/${key}`);
  };
  visit(spec, "#");
  return found;
}

const examples = collectExamples();

const resolve = (schema: Json): Json => (schema.$ref ? resolve(spec.components.schemas[schema.$ref.split("/").pop()]) : schema);

/** A copy of the example that its schema must reject: a required field dropped, or the wrong type. */
function breakExample({ schema, value }: Example): unknown {
  const required: string[] = resolve(schema).required ?? [];
  if (typeof value === "object" && value !== null && required.length > 0) {
    const broken = structuredClone(value) as Json;
    delete broken[required[0]!];
    return broken;
  }
  if (typeof value === "object") return [value];
  return typeof value === "string" ? 12345 : "not a number";
}

describe("examples in the spec", () => {
  it("exist for every schema, request body, response body and parameter", () => {
    for (const name of Object.keys(spec.components.schemas)) {
      expect(examples.some((e) => e.where.startsWith(`#/components/schemas/${name}/`)), name).toBe(true);
    }
    const operations = [...Object.values(spec.paths as Json), ...Object.values(spec.webhooks as Json)].flatMap((item) =>
      ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).map((m) => item[m]),
    );
    const deref = (node: Json): Json => (node.$ref ? spec.components.responses[node.$ref.split("/").pop()] : node);
    const bodies = operations.flatMap((op) => [op.requestBody, ...Object.values(op.responses as Json).map(deref)].filter((b) => b?.content));
    for (const body of bodies) expect(Object.keys(body.content["application/json"].examples ?? {}).length, body.description).toBeGreaterThan(0);
    for (const name of Object.keys(spec.components.parameters)) {
      expect(examples.some((e) => e.where === `#/components/parameters/${name}/example`), name).toBe(true);
    }
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s validates", (_where, example) => {
    const validate = ajv.compile(toAjvRef(example.schema));
    expect(validate(example.value), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s is rejected once broken", (_where, example) => {
    const validate = ajv.compile(toAjvRef(example.schema));
    expect(validate(breakExample(example))).toBe(false);
  });
});
