import { describe, expect, it } from "vitest";
import { isHeaderName, isHeaderValue, isTokenValue } from "../../src/rules/headers.js";
import { checkHttpUrl } from "../../src/rules/url.js";
import { isPort, parsePort } from "../../src/rules/limits.js";
import { isJsonMediaType } from "../../src/rules/media-type.js";

describe("header rule", () => {
  it.each([
    ["a\tb", true, true],
    ["caf\u00e9", false, true],
    ["a\u0100", false, false],
    ["a\r\nb", false, false],
    ["", true, true],
  ])("%j: ASCII %s, Latin-1 %s", (value, ascii, latin1) => {
    expect(isHeaderValue(value)).toBe(ascii);
    expect(isHeaderValue(value, { latin1: true })).toBe(latin1);
  });
  it("names are RFC 9110 tokens; tokens are printable ASCII without surrounding spaces", () => {
    expect(isHeaderName("X-Key")).toBe(true);
    for (const name of ["", "X Key", "X:Key", "X-K\u00e9y", 3]) expect(isHeaderName(name)).toBe(false);
    expect(isTokenValue("abc def")).toBe(true);
    for (const token of ["", " abc", "abc ", "ab\u00e9", "a\nb", undefined]) expect(isTokenValue(token)).toBe(false);
  });
});

describe("http(s) URL rule", () => {
  it.each([
    ["https://example.com/x?y", {}, undefined],
    ["https://example.com/x?y", { bare: true }, "query"],
    ["ftp://example.com", {}, "scheme"],
    ["https://u:p@example.com", {}, "credentials"],
    ["not a url", {}, "format"],
    [42, {}, "format"],
    [`https://example.com/${"a".repeat(3000)}`, { maxLength: 2048 }, "format"],
  ])("%s %j breaks %s", (value, options, rule) => expect(checkHttpUrl(value, options).rule).toBe(rule));
  it("never quotes the URL", () => expect(checkHttpUrl("https://u:secret@example.com").problem).not.toContain("secret"));
});

describe("ports and JSON media types", () => {
  it("ports", () => {
    expect([0, 65535].every(isPort)).toBe(true);
    expect([-1, 65536, 1.5, "80"].some(isPort)).toBe(false);
    expect(["80", "0", "65535"].map(parsePort)).toEqual([80, 0, 65535]);
    expect(["", "65536", "8o", "-1", "1e3", "000000080"].map(parsePort)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
  it("JSON, with the receiver's UTF-8 only as an option", () => {
    expect(isJsonMediaType("application/vnd.x+json; charset=latin1")).toBe(true);
    expect(isJsonMediaType("application/vnd.x+json; charset=latin1", true)).toBe(false);
    expect(isJsonMediaType("application/json; charset=utf-8", true)).toBe(true);
    expect(isJsonMediaType("text/json")).toBe(false);
  });
  it("UTF-8 with spaces around the charset's `=` is UTF-8 (tolerant in what we read); another charset so spaced is still refused", () => {
    for (const type of ["application/json; charset = utf-8", "application/json; charset= UTF-8", 'application/json;charset =  "utf-8" ; x=y']) expect(isJsonMediaType(type, true)).toBe(true);
    for (const type of ["application/json; charset = latin1", "application/json; charset= utf-16", "application/json; charset = utf-8x"]) expect(isJsonMediaType(type, true)).toBe(false);
  });
});
