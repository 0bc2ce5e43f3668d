// Requests another site can make a browser send to the simulator: a cross-origin form or no-cors
// fetch (CSRF: the simulator has no tokens by default, so nothing ambient protects it), a DNS
// name re-pointed at 127.0.0.1 (rebinding), and an absolute-form request target.
import { connect } from "node:net";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../../src/simulator/index.js";

let running: RunningSimulator;
let port: string;

beforeAll(async () => {
  running = await startSimulator({});
  port = new URL(running.url).port;
});
afterAll(async () => {
  await running?.stop();
});

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, running.url), { method: options.method ?? "GET", headers: options.headers ?? {} }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on("error", reject).end(options.body);
  });
}

/** One raw HTTP/1.1 request, for targets node:http will not write (absolute-form). */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.end(text));
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve(answer)).on("error", reject);
  });
}

describe("requests a page of another site makes", () => {
  it("are refused when they carry another origin (a form or no-cors fetch), and change nothing", async () => {
    await running.simulator.handle(new Request("http://sim/_simulator/integrations/keep", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: "http://127.0.0.1:9/" }) }));
    const before = (await (await fetch(`${running.url}/_simulator/integrations`)).json()) as { integrations: unknown[] };
    expect(before.integrations).toHaveLength(1);
    for (const origin of ["http://evil.example", `http://evil.example:${port}`, "http://localhost:3000", "null", `https://127.0.0.1:${port}`, `http://127.0.0.1:${port}.evil.example`]) {
      // A no-cors fetch with a Blob body sends no Content-Type at all; a form sends text/plain.
      const reset = await send("/_simulator/reset", { method: "POST", headers: { origin } });
      expect([origin, reset.status]).toEqual([origin, 403]);
      const event = await send("/_simulator/events", { method: "POST", headers: { origin }, body: JSON.stringify({ type: "policy.issue", data: {} }) });
      expect([origin, event.status]).toEqual([origin, 403]);
      expect(JSON.parse(event.body)).toEqual({ message: expect.stringContaining("another origin") });
    }
    const after = (await (await fetch(`${running.url}/_simulator/integrations`)).json()) as { integrations: unknown[] };
    expect(after.integrations).toHaveLength(1);
    expect(running.simulator.deliveries()).toHaveLength(0);
  });

  it("are answered when they come from the simulator's own origin (the console) or carry none (curl, clients)", async () => {
    for (const origin of [running.url, `http://localhost:${port}`, `HTTP://LOCALHOST:${port}`]) {
      const answer = await send("/_simulator/ui/api/check", { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ type: "policy.issue", data: {} }) });
      expect([origin, answer.status]).toEqual([origin, 200]);
    }
    expect((await send("/_simulator/assumptions")).status).toBe(200);
  });

  it("are refused on every route when Host is not the simulator's (DNS rebinding), on a loopback address", async () => {
    for (const path of ["/_simulator/state", "/_simulator/integrations", "/webhooks", "/_simulator/ui"]) {
      const answer = await send(path, { headers: { host: `rebound.example:${port}`, authorization: "t" } });
      expect([path, answer.status]).toEqual([path, 421]);
      expect([path, (await send(path, { headers: { host: `localhost:${port}`, authorization: "t" } })).status]).toEqual([path, 200]);
    }
  });

  it("are refused when an absolute-form target names another host, whatever Host says", async () => {
    const own = await raw(`GET http://127.0.0.1:${port}/_simulator/ui HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(own).toMatch(/^HTTP\/1\.1 200 /);
    for (const target of [`http://rebound.example:${port}/_simulator/ui`, `http://rebound.example:${port}/_simulator/state`]) {
      const answer = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect([target, answer.slice(0, 13)]).toEqual([target, "HTTP/1.1 421 "]);
    }
  });
});
