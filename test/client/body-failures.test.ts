// A body that fails mid-read, from a real node:net server writing raw bytes: reset, closed before
// its Content-Length, malformed chunking, corrupt gzip. Each is a WebhooksNetworkError naming its
// cause, retried like any network failure for an idempotent GET (and answered well the next time),
// never retried for POST resend. Before, each was a raw `TypeError: terminated`, never retried.
import { createServer, type Server, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhooksClient, WebhooksNetworkError } from "../../src/index.js";

const BODY = JSON.stringify({ webhooks: [] });
const head = (headers: string[]) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n${headers.join("\r\n")}\r\n\r\n`;

/** Each fault writes a broken answer; after the first attempt of each connection series, `good` answers whole. */
const FAULTS: Record<string, (socket: Socket) => void> = {
  "resets the connection mid-body": (socket) => {
    socket.write(head([`Content-Length: ${BODY.length + 100}`]) + BODY.slice(0, 5));
    setTimeout(() => socket.resetAndDestroy(), 20);
  },
  "closes before its Content-Length": (socket) => {
    socket.end(head([`Content-Length: ${BODY.length + 100}`]) + BODY);
  },
  "sends malformed chunking": (socket) => {
    socket.end(`${head(["Transfer-Encoding: chunked"])}5\r\n{"web\r\nZZ\r\nhooks\r\n0\r\n\r\n`);
  },
  "sends a corrupt gzip body": (socket) => {
    const gzip = gzipSync(BODY);
    gzip.fill(0x41, 12, 24);
    socket.write(head(["Content-Encoding: gzip", `Content-Length: ${gzip.length}`]));
    socket.end(gzip);
  },
};

let server: Server;
let url = "";
let fault: (socket: Socket) => void = () => undefined;
let badAnswers = 0;
let connections = 0;
beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.once("data", () => {
      if (badAnswers > 0) {
        badAnswers -= 1;
        return fault(socket);
      }
      socket.end(head([`Content-Length: ${BODY.length}`]) + BODY);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (retries: number) => createWebhooksClient({ baseUrl: url, token: "body-token", timeoutMs: 5000, retry: { retries, baseDelayMs: 1, maxDelayMs: 5 } });

describe.each(Object.keys(FAULTS))("an answer that %s", (name) => {
  it("is a WebhooksNetworkError naming the cause, after every attempt of a GET", async () => {
    fault = FAULTS[name]!;
    badAnswers = 3;
    connections = 0;
    const error = await client(2).GET("/webhooks").then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WebhooksNetworkError);
    expect((error as WebhooksNetworkError).attempts).toBe(3);
    expect((error as WebhooksNetworkError).message).toMatch(/failed without an HTTP answer after 3 attempt\(s\): \S/);
    expect((error as WebhooksNetworkError).reason.beforeSending).toBe(false);
    expect(connections).toBe(3);
  });

  it("is retried for a GET, which then succeeds", async () => {
    fault = FAULTS[name]!;
    badAnswers = 1;
    const { data } = await client(2).GET("/webhooks");
    expect(data).toEqual({ webhooks: [] });
  });

  it("is never retried for POST resend", async () => {
    fault = FAULTS[name]!;
    badAnswers = 1;
    connections = 0;
    // A resend answers no body; a body that fails still leaves the outcome unproven.
    const error = await client(2)
      .POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "w", transactionId: "t" } }, parseAs: "text" })
      .then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WebhooksNetworkError);
    expect(connections).toBe(1);
  });
});
