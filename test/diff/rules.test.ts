// Each rule of `npm run diff`, on a tiny pair of specs: the base (fixtures/base.json) and a copy
// with one edit. Direction matters: requests break when they narrow, responses when they widen.
import { describe, expect, it } from "vitest";
import { allowsBreaking, diffSpecs } from "../../scripts/diff.js";
import base from "./fixtures/base.json" with { type: "json" };

type Json = Record<string, any>;
const edited = (edit: (spec: Json) => void) => {
  const copy = structuredClone(base) as Json;
  edit(copy);
  return diffSpecs(base, copy);
};
const schemas = (spec: Json) => spec.components.schemas;
const thingPath = (spec: Json) => spec.paths["/things/{id}"];

describe("request inputs", () => {
  it.each([
    { label: "removing an optional field", breaking: true, where: "#/components/schemas/ThingRequest/properties/note", edit: (s: Json) => delete schemas(s).ThingRequest.properties.note },
    { label: "adding a required field", breaking: true, where: ".../properties/size", edit: (s: Json) => ((schemas(s).ThingRequest.properties.size = { type: "integer" }), schemas(s).ThingRequest.required.push("size")) },
    { label: "adding an optional field", breaking: false, where: ".../properties/size", edit: (s: Json) => (schemas(s).ThingRequest.properties.size = { type: "integer" }) },
    { label: "making an optional field required", breaking: true, where: ".../properties/note", edit: (s: Json) => schemas(s).ThingRequest.required.push("note") },
    { label: "making a required field optional", breaking: false, where: ".../properties/id", edit: (s: Json) => (schemas(s).ThingRequest.required = []) },
    { label: "narrowing an enum", breaking: true, where: "#/components/schemas/Colour", edit: (s: Json) => schemas(s).Colour.enum.pop() },
    { label: "widening an enum", breaking: false, where: "#/components/schemas/Colour", edit: (s: Json) => schemas(s).Colour.enum.push("blue") },
    { label: "narrowing a type", breaking: true, where: ".../properties/note", edit: (s: Json) => (schemas(s).ThingRequest.properties.note.type = "null") },
    { label: "widening a type", breaking: false, where: ".../properties/note", edit: (s: Json) => (schemas(s).ThingRequest.properties.note.type = ["string", "null"]) },
    { label: "tightening a bound", breaking: true, where: ".../properties/id", edit: (s: Json) => (schemas(s).ThingRequest.properties.id.maxLength = 32) },
    { label: "loosening a bound", breaking: false, where: ".../properties/id", edit: (s: Json) => (schemas(s).ThingRequest.properties.id.maxLength = 128) },
    { label: "adding a bound", breaking: true, where: ".../properties/note", edit: (s: Json) => (schemas(s).ThingRequest.properties.note.maxLength = 10) },
    { label: "adding a pattern", breaking: true, where: ".../properties/note", edit: (s: Json) => (schemas(s).ThingRequest.properties.note.pattern = "^a") },
    { label: "opening a closed body", breaking: false, where: "#/components/schemas/ThingRequest", edit: (s: Json) => delete schemas(s).ThingRequest.additionalProperties },
  ])("$label: breaking is $breaking", ({ edit, breaking, where }) => {
    const changes = edited(edit).filter((change) => change.reaches?.some((reach) => reach.operation === "PUT /things/{id}"));
    expect(changes).toHaveLength(1);
    expect(changes[0]!.reaches!.find((reach) => reach.operation === "PUT /things/{id}")!.breaking).toBe(breaking);
    expect(changes[0]!.pointer.endsWith(where.replace(".../", "/"))).toBe(true);
  });

  it("adding a required parameter is breaking; an optional one is not", () => {
    expect(edited((s) => thingPath(s).get.parameters.push({ name: "sort", in: "query", required: true, schema: { type: "string" } }))).toEqual([
      { pointer: "#/paths/~1things~1{id}/get/parameters/1", message: "required parameter query sort added", breaking: true, reaches: [{ operation: "GET /things/{id}", breaking: true }] },
    ]);
    expect(edited((s) => thingPath(s).get.parameters.push({ name: "sort", in: "query", schema: { type: "string" } }))[0]?.breaking).toBe(false);
  });

  it("tightening a parameter's bound is breaking, at the parameter's pointer", () => {
    expect(edited((s) => (thingPath(s).get.parameters[0].schema.maximum = 50))).toEqual([
      { pointer: "#/paths/~1things~1{id}/get/parameters/0/schema", message: "maximum 100 → 50 (tightened)", breaking: true, reaches: [{ operation: "GET /things/{id}", breaking: true }] },
    ]);
    // A path-level parameter: once, reaching each operation of the path.
    expect(edited((s) => (thingPath(s).parameters[0].schema.maxLength = 16))).toEqual([
      {
        pointer: "#/paths/~1things~1{id}/parameters/0/schema",
        message: "maxLength 64 → 16 (tightened)",
        breaking: true,
        reaches: [
          { operation: "GET /things/{id}", breaking: true },
          { operation: "PUT /things/{id}", breaking: true },
        ],
      },
    ]);
  });

  it("removing a parameter is breaking", () => {
    expect(edited((s) => delete thingPath(s).get.parameters)[0]).toMatchObject({ message: "parameter query limit removed", breaking: true });
  });
});

describe("responses and outbound webhooks (what consumers receive)", () => {
  it.each([
    { label: "removing a field", breaking: true, edit: (s: Json) => delete schemas(s).Thing.properties.note },
    { label: "making a required field optional", breaking: true, edit: (s: Json) => (schemas(s).Thing.required = ["id"]) },
    { label: "making an optional field required", breaking: false, edit: (s: Json) => schemas(s).Thing.required.push("note") },
    { label: "widening an enum", breaking: true, edit: (s: Json) => schemas(s).Colour.enum.push("blue") },
    { label: "narrowing an enum", breaking: false, edit: (s: Json) => schemas(s).Colour.enum.pop() },
    { label: "changing a type", breaking: true, edit: (s: Json) => (schemas(s).Thing.properties.id.type = "integer") },
    { label: "adding a field", breaking: false, edit: (s: Json) => (schemas(s).Thing.properties.size = { type: "integer" }) },
  ])("$label: breaking is $breaking, in the response and in the webhook", ({ edit, breaking }) => {
    const changes = edited((s) => {
      // Only Thing's own edits: the request schema gets its own copy of Colour, as it was.
      schemas(s).ThingRequest.properties.colour = structuredClone(base.components.schemas.Colour);
      edit(s);
    });
    // Once, at the component that changed, reaching the response and the webhook.
    expect(changes).toHaveLength(1);
    expect(changes[0]!.pointer).toMatch(/^#\/components\/schemas\/(Thing|Colour)\b/);
    expect(changes[0]!.breaking).toBe(breaking);
    expect(changes[0]!.reaches).toEqual([
      { operation: "GET /things/{id}", breaking },
      { operation: "webhook thingChanged (POST)", breaking },
    ]);
  });

  it("removing a success response is breaking; removing a declared error is not", () => {
    expect(edited((s) => delete thingPath(s).get.responses["200"])[0]).toMatchObject({ pointer: "#/paths/~1things~1{id}/get/responses/200", breaking: true });
    expect(edited((s) => delete thingPath(s).get.responses["404"])[0]).toMatchObject({ breaking: false });
  });
});

describe("operations", () => {
  it("adding an operation is not breaking; removing one is", () => {
    expect(edited((s) => (thingPath(s).delete = { responses: { "200": { description: "gone" } } }))).toEqual([
      { pointer: "#/paths/~1things~1{id}/delete", message: "operation DELETE /things/{id} added", breaking: false },
    ]);
    expect(edited((s) => delete thingPath(s).put)).toEqual([{ pointer: "#/paths/~1things~1{id}/put", message: "operation PUT /things/{id} removed", breaking: true }]);
  });

  it("ignores descriptions, examples and extensions", () => {
    expect(edited((s) => ((schemas(s).Thing.description = "changed"), (thingPath(s).get["x-codeSamples"] = [])))).toEqual([]);
  });
});

describe("versions", () => {
  it.each([
    ["1.0.0", "2.0.0", true],
    ["1.4.2", "1.5.0", false],
    ["0.1.0", "0.2.0", true],
    ["0.1.0", "0.1.1", false],
    ["1.0.0", "1.0.0", false],
  ])("%s → %s allows a breaking change: %s", (from, to, allowed) => {
    expect(allowsBreaking(from, to)).toBe(allowed);
  });
});
