// The assumptions table: one in code, the same in docs/simulator.md, each overridable and checked.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ASSUMPTIONS, AssumptionError, assumptionsMarkdown, createSimulator, parseAssumption, resolveAssumptions } from "../../src/simulator/index.js";

const page = await readFile(new URL("../../docs/simulator.md", import.meta.url), "utf8");

describe("docs/simulator.md", () => {
  it("renders the assumptions table from the code's", () => {
    const table = /<!-- simulator-assumptions:start -->\n([\s\S]*?)\n<!-- simulator-assumptions:end -->/.exec(page)?.[1];
    expect(table, "docs/simulator.md needs the simulator-assumptions markers").toBeDefined();
    expect(table).toBe(assumptionsMarkdown());
    for (const key of Object.keys(ASSUMPTIONS)) expect(table).toContain(`| \`${key}\` |`);
    expect(table!.split("\n").slice(2).every((row) => row.includes("| not documented |"))).toBe(true);
  });
});

describe("overrides", () => {
  it("takes typed values and --assume text alike", () => {
    const resolved = resolveAssumptions({ retryDelayMs: "0", "defaults.enabled": false, "defaults.actOnStatusCodes": "500, 503", resend: "keep" });
    expect(resolved).toMatchObject({ retryDelayMs: 0, "defaults.enabled": "false", "defaults.actOnStatusCodes": ["500", "503"], resend: "keep", "retries.three": 3 });
    expect(parseAssumption("deliveryTimeoutMs=50")).toEqual(["deliveryTimeoutMs", 50]);
    expect(parseAssumption("defaults.actOnStatusCodes=")).toEqual(["defaults.actOnStatusCodes", []]);
  });

  it.each([
    [{ nope: 1 }, /unknown assumption "nope"/],
    [{ __proto__: null, constructor: 1 }, /unknown assumption "constructor"/],
    [{ toString: "x" }, /unknown assumption "toString"/],
    [{ retryDelayMs: -1 }, /"retryDelayMs" must be an integer from 0 to 600000/],
    [{ retryDelayMs: 1.5 }, /"retryDelayMs" must be an integer/],
    [{ deliveryTimeoutMs: "10s" }, /"deliveryTimeoutMs" must be an integer from 1/],
    [{ suspendedWebhook: "maybe" }, /"suspendedWebhook" must be one of skip, queue/],
    [{ "defaults.actOnStatusCodes": "5xx" }, /list of HTTP statuses/],
  ])("refuses %o", (overrides, message) => {
    expect(() => resolveAssumptions(overrides as never)).toThrow(AssumptionError);
    expect(() => resolveAssumptions(overrides as never)).toThrow(message);
    expect(() => createSimulator({ assume: overrides as never })).toThrow(message);
  });

  it.each(["retryDelayMs", "=1", "nope=1", "modeNone=keep"])("refuses --assume %s", (text) => {
    expect(() => parseAssumption(text)).toThrow(AssumptionError);
  });

  it.each([
    ["retryDelayMs", null, "format"],
    ["nope=1", "nope", "unknown"],
    ["modeNone=keep", "modeNone", "enum"],
    ["retryDelayMs=-1", "retryDelayMs", "range"],
    ["defaults.actOnStatusCodes=5xx", "defaults.actOnStatusCodes", "statuses"],
  ])("names the key and the rule of --assume %s", (text, key, rule) => {
    expect(() => parseAssumption(text)).toThrow(expect.objectContaining({ key, rule }));
  });
});
