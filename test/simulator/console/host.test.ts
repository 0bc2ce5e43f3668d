// The console's DNS-rebinding guard as a table: Host must name the simulator's own address and port.
import { describe, expect, it } from "vitest";
import { foreignRequest, isLoopback, isOwnHost, isOwnOrigin, splitHost } from "../../../src/simulator/console/host.js";

describe("isOwnHost", () => {
  const loopback = { address: "127.0.0.1", port: 4020 };
  it.each([
    ["127.0.0.1:4020", loopback, true],
    ["localhost:4020", loopback, true],
    ["LOCALHOST:4020", loopback, true],
    ["127.0.0.1:4021", loopback, false],
    ["127.0.0.1", loopback, false],
    ["evil.example:4020", loopback, false],
    ["127.0.0.1.nip.io:4020", loopback, false],
    ["10.0.0.5:4020", loopback, false],
    ["[::1]:4020", { address: "::1", port: 4020 }, true],
    ["[::1]:4020", loopback, false],
    ["192.168.1.20:4020", { address: "0.0.0.0", port: 4020 }, true],
    ["attacker.example:4020", { address: "0.0.0.0", port: 4020 }, false],
    ["[fe80::1]:4020", { address: "::", port: 4020 }, true],
    ["example:80", { address: "127.0.0.1", port: 80 }, false],
    ["localhost", { address: "127.0.0.1", port: 80 }, true],
    ["user@127.0.0.1:4020", loopback, false],
    ["127.0.0.1:4020/path", loopback, false],
    ["127.0.0.1:99999", loopback, false],
    ["", loopback, false],
    ["__proto__:4020", loopback, false],
    ["localhost.:4020", loopback, false],
    ["127.0.0.1.:4020", loopback, false],
    [" 127.0.0.1:4020 ", loopback, true],
    ["[::1]:4020", { address: "::", port: 4020 }, true],
    ["[::ffff:127.0.0.1]:4020", loopback, false],
    ["[::1%lo]:4020", { address: "::1", port: 4020 }, false],
  ] as const)("%s on %o: %s", (host, listening, expected) => {
    expect(isOwnHost(host, listening)).toBe(expected);
  });

  it("refuses a request without Host", () => {
    expect(isOwnHost(null, loopback)).toBe(false);
  });

  it("splits bracketed IPv6 hosts and rejects malformed ones", () => {
    expect(splitHost("[::1]:80")).toEqual({ hostname: "::1", port: 80 });
    expect(splitHost("Example.COM")).toEqual({ hostname: "example.com", port: undefined });
    expect(splitHost("a:b:c")).toBeUndefined();
  });
});

describe("isOwnOrigin and foreignRequest", () => {
  const loopback = { address: "127.0.0.1", port: 4020 };
  it.each([
    ["http://127.0.0.1:4020", true],
    ["http://localhost:4020", true],
    ["https://127.0.0.1:4020", false],
    ["http://127.0.0.1:4020/", false],
    ["http://127.0.0.1", false],
    ["http://evil.example:4020", false],
    ["null", false],
    ["", false],
  ] as const)("Origin %s: %s", (origin, expected) => {
    expect(isOwnOrigin(origin, loopback)).toBe(expected);
  });

  it("checks Host, an absolute-form target and Origin, in that order", () => {
    const own = { target: "/webhooks", host: "127.0.0.1:4020", origin: null };
    expect(foreignRequest(own, loopback, true)).toBeUndefined();
    expect(foreignRequest({ ...own, host: null }, loopback, true)?.status).toBe(421);
    expect(foreignRequest({ ...own, host: "sim.internal:4020" }, loopback, false)).toBeUndefined();
    expect(foreignRequest({ ...own, target: "http://evil.example:4020/webhooks" }, loopback, true)?.status).toBe(421);
    expect(foreignRequest({ ...own, target: "HTTP://127.0.0.1:4020/webhooks" }, loopback, true)).toBeUndefined();
    expect(foreignRequest({ ...own, origin: "http://evil.example" }, loopback, false)?.status).toBe(403);
  });

  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.2", false],
  ] as const)("isLoopback(%s): %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
