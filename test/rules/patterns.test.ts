import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import { closestPattern, isKnownPattern, patternMatcher, typesOfPattern } from "../../src/rules/patterns.js";
import { closest, editDistance } from "../../src/rules/closest.js";
import { createWebhookReceiver } from "../../src/receiver/index.js";
import { selectEventTypes } from "../../src/sender.js";

describe("one event pattern grammar", () => {
  it.each([
    ["policy.issue", ["policy.issue"]],
    ["*", WEBHOOK_EVENT_TYPES],
    ["all", WEBHOOK_EVENT_TYPES],
    ["policy.quote.*", WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith("policy.quote."))],
  ])("%s names the same types everywhere", (pattern, types) => {
    expect(isKnownPattern(pattern)).toBe(true);
    expect(typesOfPattern(pattern)).toEqual(types);
    expect(selectEventTypes([pattern])).toEqual(types);
    expect(() => createWebhookReceiver().on(pattern as never, () => undefined)).not.toThrow();
  });

  it.each(["pol.*", "policy.qu.*", "", "__proto__", "constructor", "policy.issue.*", "Policy.issue"])("%s names no type", (pattern) => {
    expect(isKnownPattern(pattern)).toBe(false);
    expect(typesOfPattern(pattern)).toEqual([]);
    expect(() => selectEventTypes([pattern])).toThrow(/did you mean/);
  });

  it("a wildcard also matches types the contract does not list yet", () => {
    expect(patternMatcher("policy.*")("policy.brandnew")).toBe(true);
    expect(patternMatcher("policy.issue")("policy.issued")).toBe(false);
  });

  it("suggests the nearest known pattern, without case, and bounds the work on a huge input", () => {
    expect(closestPattern("Claim.Create")).toBe("claim.create");
    expect(closestPattern("polcy.*")).toBe("policy.*");
    expect(typeof closestPattern("x".repeat(100_000))).toBe("string");
  });
});

describe("edit distance", () => {
  it.each([
    ["", "", 0],
    ["kitten", "sitting", 3],
    ["abc", "", 3],
    ["", "abc", 3],
  ])("%s ~ %s = %d", (a, b, distance) => expect(editDistance(a, b)).toBe(distance));
  it("takes the first of the nearest, and nothing from no candidates", () => {
    expect(closest("ab", ["ax", "xb", "ab"])).toBe("ab");
    expect(closest("ab", ["ax", "xb"])).toBe("ax");
    expect(closest("ab", [])).toBeUndefined();
    expect(editDistance("AB", "ab", true)).toBe(0);
  });
});
