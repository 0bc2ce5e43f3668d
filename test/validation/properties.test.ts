// Property-based (fast-check): for every component schema, generated valid values are accepted,
// and each is mutated once per kind of mutation it admits (a random one of that kind), every
// mutation rejected with an issue at the mutated field: every kind the schema admits is checked
// on every value, not left to a random pick. Arbitrary and hostile input never throws anything
// but ContractValidationError and never touches Object.prototype. The counts are printed for the
// test catalogue in CONTRIBUTING.md.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ContractValidationError, parse, parseWebhookPayload, type SchemaName } from "../../src/index.js";
import { schemaTools, type Json } from "./arbitraries.js";

const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
const components = spec.components.schemas as Record<SchemaName, Json>;
const { arbitrary, mutations } = schemaTools(components);
// Values per schema, for each of the two properties: the mutation property checks every kind of
// mutation on each value, so a few hundred values cover every kind and most paths many times over.
const RUNS = 250;
// Arbitrary and hostile inputs per generator.
const HOSTILE_RUNS = 1000;
const counts = { valid: 0, mutations: 0, hostile: 0 };

afterAll(() => console.log(`property tests: ${counts.valid} valid values accepted, ${counts.mutations} mutations rejected, ${counts.hostile} hostile inputs`));

function rejection(run: () => unknown): ContractValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractValidationError) return error;
    throw error;
  }
  throw new Error("accepted a value that breaks the schema");
}

describe.each(Object.keys(components) as SchemaName[])("%s", (name) => {
  it(`accepts ${RUNS} generated valid values`, () => {
    fc.assert(
      fc.property(arbitrary({ $ref: `#/components/schemas/${name}` }), (value) => {
        counts.valid += 1;
        expect(parse(name, value)).toBe(value);
      }),
      { numRuns: RUNS },
    );
  });

  it(`rejects a single mutation of each kind, of ${RUNS} generated values, at the mutated field`, () => {
    const ref = { $ref: `#/components/schemas/${name}` };
    fc.assert(
      fc.property(arbitrary(ref), fc.nat(), (value, pick) => {
        const byKind = new Map<string, ReturnType<typeof mutations>>();
        for (const mutation of mutations(ref, value)) byKind.set(mutation.kind, [...(byKind.get(mutation.kind) ?? []), mutation]);
        expect(byKind.size).toBeGreaterThan(0);
        for (const [kind, candidates] of byKind) {
          const mutation = candidates[pick % candidates.length]!;
          counts.mutations += 1;
          const error = rejection(() => parse(name, mutation.apply(value)));
          expect(error.issues.map((issue) => issue.path), kind).toContain(mutation.path);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("hostile input", () => {
  const onlyContractErrors = (input: unknown) => {
    counts.hostile += 1;
    try {
      parseWebhookPayload(input, { maxBytes: 64 * 1024 });
    } catch (error) {
      expect(error).toBeInstanceOf(ContractValidationError);
    }
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(({} as Json).polluted).toBeUndefined();
  };

  it("any value, any JSON text, any bytes", () => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true }), onlyContractErrors), { numRuns: HOSTILE_RUNS });
    fc.assert(fc.property(fc.json(), onlyContractErrors), { numRuns: HOSTILE_RUNS });
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), onlyContractErrors), { numRuns: HOSTILE_RUNS });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyContractErrors), { numRuns: HOSTILE_RUNS });
  });

  it("truncated JSON of valid payloads", () => {
    const payload = arbitrary({ $ref: "#/components/schemas/WebhookPayload" });
    fc.assert(
      fc.property(payload, fc.nat(), (value, cut) => {
        const text = JSON.stringify(value);
        onlyContractErrors(text.slice(0, cut % text.length));
      }),
      { numRuns: HOSTILE_RUNS },
    );
  });

  it("__proto__ and constructor keys, at the top and inside data", () => {
    for (const text of [
      '{"__proto__": {"polluted": true}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"id":"1","timestamp":"1","transactionId":"t","type":"policy.issue","username":"u","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}',
      '{"id":"1","timestamp":"1","transactionId":"t","type":"policy.issue","username":"u","data":{},"__proto__":{"polluted":true}}',
    ]) {
      onlyContractErrors(text);
      onlyContractErrors(JSON.parse(text));
    }
  });

  it("deep nesting and huge strings", () => {
    const deep = `{"data":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    onlyContractErrors(deep);
    expect(rejection(() => parseWebhookPayload(deep, { maxBytes: 1_000_000 })).issues[0]?.rule).toMatch(/json|required|type/);
    onlyContractErrors("x".repeat(5 * 1024 * 1024));
    onlyContractErrors(`{"id":"${"x".repeat(2 * 1024 * 1024)}"}`);
  });

  it("rejects a body over the byte limit before parsing it", () => {
    const parseSpy = (JSON.parse = ((original) => {
      const spy = (...args: Parameters<typeof JSON.parse>) => {
        spy.calls += 1;
        return original(...args);
      };
      spy.calls = 0;
      spy.original = original;
      return spy;
    })(JSON.parse));
    try {
      const body = JSON.stringify({ padding: "x".repeat(2048) });
      expect(rejection(() => parseWebhookPayload(body, { maxBytes: 1024 })).issues).toEqual([expect.objectContaining({ rule: "size" })]);
      expect(rejection(() => parseWebhookPayload(Buffer.from(body), { maxBytes: 1024 })).issues[0]?.rule).toBe("size");
      expect(parseSpy.calls).toBe(0);
    } finally {
      JSON.parse = parseSpy.original;
    }
  });
});
