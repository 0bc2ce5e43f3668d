// Every error class a public entry exports extends WebhooksContractError and lives in src/errors.ts,
// so that `instanceof WebhooksContractError` tells the package's refusals from anything else.
import { describe, expect, it } from "vitest";
import * as errors from "../../src/errors.js";
import * as root from "../../src/index.js";
import * as simulator from "../../src/simulator/index.js";
import * as testing from "../../src/testing.js";

const entries = { ".": root, "./testing": testing, "./simulator": simulator };
const isErrorClass = (value: unknown): value is new (...args: never[]) => Error => typeof value === "function" && (value === Error || value.prototype instanceof Error);
const homes = new Set(Object.values(errors).filter(isErrorClass));

describe.each(Object.entries(entries))("the entry %s", (_, entry) => {
  const classes = Object.entries(entry).filter(([, value]) => isErrorClass(value));

  it("exports error classes", () => {
    expect(classes.length).toBeGreaterThan(0);
  });

  it.each(classes)("%s extends WebhooksContractError and lives in errors.ts", (name, value) => {
    expect(value === errors.WebhooksContractError || value.prototype instanceof errors.WebhooksContractError, name).toBe(true);
    expect(homes.has(value), `${name} is not one of src/errors.ts's exports`).toBe(true);
  });
});

it("every class of errors.ts is exported by a public entry", () => {
  const exported = new Set(Object.values(entries).flatMap((entry) => Object.values(entry)));
  // CliError and FileReadError belong to the command line, which has no entry of its own; BadRequest never leaves the simulator.
  expect([...homes].filter((value) => !exported.has(value)).map((value) => value.name).sort()).toEqual(["CliError", "FileReadError"]);
});

it("option errors name the caller, the option and the rule, as request errors do", async () => {
  const refusals: [() => unknown, object][] = [
    [() => simulator.createSimulator({ limits: { maxWebhooks: 0 } }), { caller: "createSimulator", option: "limits.maxWebhooks", rule: "minimum" }],
    [() => simulator.createSimulator({ fetch: "fetch" as never }), { caller: "createSimulator", option: "fetch", rule: "type" }],
    [() => root.createWebhooksClient({ baseUrl: "ftp://x", token: "t" }), { caller: "createWebhooksClient", option: "baseUrl", rule: "format" }],
    [() => root.selectEventTypes(["policy.isue"]), { caller: "selectEventTypes", option: "patterns", rule: "enum" }],
    [() => root.toWebhookRequest(null as never), { caller: "toWebhookRequest", option: "webhook", rule: "type" }],
  ];
  for (const [refuse, fields] of refusals) expect(refuse).toThrow(expect.objectContaining({ name: "WebhooksOptionError", ...fields }));
  await expect(simulator.startSimulator({ port: 70_000 })).rejects.toMatchObject({ caller: "startSimulator", option: "port", rule: "range" });
  await expect(root.sendSampleEvents({ url: "http://127.0.0.1:9/", count: 0 })).rejects.toMatchObject({ caller: "sendSampleEvents", option: "count", rule: "minimum" });
});
