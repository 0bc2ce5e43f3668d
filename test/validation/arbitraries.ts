// fast-check arbitraries and single mutations derived from the spec's schemas, for the
// property-based tests: nothing here lists a field or a schema by hand.
import fc from "fast-check";

export type Json = Record<string, any>;

export function schemaTools(components: Record<string, Json>) {
  const resolve = (schema: Json): Json => (schema.$ref ? resolve(components[schema.$ref.split("/").pop()]!) : schema);

  /** Values the schema accepts (bounded in size so that thousands of runs stay fast). */
  function arbitrary(ref: Json): fc.Arbitrary<unknown> {
    const schema = resolve(ref);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if (Array.isArray(schema.anyOf)) return fc.oneof(...schema.anyOf.map((branch: Json) => arbitrary(branch)));
    switch (schema.type) {
      case "string": {
        const sized = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
        if (!schema.pattern) return sized;
        const pattern = new RegExp(schema.pattern, "u");
        // fast-check builds strings from a pattern's grammar, but not through lookarounds (the
        // name's `^(?!\.\.?$)`): such a pattern filters sized strings instead.
        return /\(\?<?[=!]/.test(schema.pattern) ? sized.filter((text) => pattern.test(text)) : fc.stringMatching(pattern);
      }
      case "boolean":
        return fc.boolean();
      case "integer":
        return fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
      case "array":
        return fc.array(arbitrary(schema.items), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
      case "object": {
        if (!schema.properties) return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
        const properties = Object.fromEntries(Object.entries(schema.properties as Json).map(([key, property]) => [key, arbitrary(property)]));
        return fc.record(properties, { requiredKeys: schema.required ?? [] });
      }
      default:
        throw new Error(`no arbitrary for ${JSON.stringify(schema).slice(0, 80)}`);
    }
  }

  /** One change that breaks the schema, and the JSON pointer its issue must name. */
  interface Mutation {
    path: string;
    kind: "drop a required field" | "change a type" | "an unknown enum value" | "a string breaking its pattern" | "an extra field";
    apply: (value: unknown) => unknown;
  }

  const wrongTypeFor = (schema: Json): unknown => (schema.type === "string" || schema.anyOf ? 7 : schema.type === "object" ? "not an object" : { not: "this type" });
  /** Strings that break some pattern of the spec: a date where digits go, dot segments where a name goes. */
  const PATTERN_BREAKERS = ["2020-05-17T18:41:38Z", "..", "."];
  const breakerOf = (pattern: string): string => {
    const breaker = PATTERN_BREAKERS.find((text) => !new RegExp(pattern, "u").test(text));
    if (breaker === undefined) throw new Error(`no string at hand breaks the pattern ${pattern}: add one to PATTERN_BREAKERS`);
    return breaker;
  };

  function at(path: string[], value: unknown, change: (parent: Json, key: string) => void): unknown {
    const copy = structuredClone(value) as Json;
    if (path.length === 0) throw new Error("use a root mutation");
    const parent = path.slice(0, -1).reduce((node: Json, key) => node[key], copy);
    change(parent, path.at(-1)!);
    return copy;
  }

  /** Every single mutation of `value` (valid against `ref`) that the schema must reject. */
  function mutations(ref: Json, value: unknown, path: string[] = []): Mutation[] {
    const schema = resolve(ref);
    const pointer = path.map((key) => `/${key}`).join("");
    const found: Mutation[] = [];
    const replace = (replacement: unknown) => (v: unknown) => (path.length === 0 ? replacement : at(path, v, (parent, key) => (parent[key] = replacement)));
    found.push({ path: pointer, kind: "change a type", apply: replace(wrongTypeFor(schema)) });
    if (schema.enum) found.push({ path: pointer, kind: "an unknown enum value", apply: replace("policy.teleport") });
    if (schema.pattern) found.push({ path: pointer, kind: "a string breaking its pattern", apply: replace(breakerOf(schema.pattern)) });
    if (schema.type === "array" && Array.isArray(value)) value.forEach((item, i) => found.push(...mutations(schema.items, item, [...path, String(i)])));
    if (schema.type === "object" && schema.properties && value && typeof value === "object") {
      const object = value as Json;
      for (const key of schema.required ?? []) {
        const drop = (v: unknown) => {
          const copy = structuredClone(v) as Json;
          delete (path.reduce((node: Json, k) => node[k], copy) as Json)[key];
          return copy;
        };
        found.push({ path: `${pointer}/${key}`, kind: "drop a required field", apply: drop });
      }
      if (schema.additionalProperties === false) {
        const extra = (v: unknown) => {
          const copy = structuredClone(v) as Json;
          (path.reduce((node: Json, k) => node[k], copy) as Json).unexpectedField = true;
          return copy;
        };
        found.push({ path: `${pointer}/unexpectedField`, kind: "an extra field", apply: extra });
      }
      for (const key of Object.keys(object)) if (key in schema.properties) found.push(...mutations(schema.properties[key], object[key], [...path, key]));
    }
    return found;
  }

  return { resolve, arbitrary, mutations };
}
