// What only one adapter has: a Request body already read (Fetch), framing errors the HTTP parser
// refuses (node), base64 and API Gateway v1 events (Lambda), and receive() from any server.
import { connect, type AddressInfo } from "node:net";
import { createServer, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLambdaHandler, createNodeHandler, createWebhookReceiver, WEBHOOK_EXAMPLES } from "../../src/index.js";

const delivery = WEBHOOK_EXAMPLES.eventDelivery[0]!;
const text = JSON.stringify(delivery);
const post = (body: BodyInit) => new Request("http://receiver.test/", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);

describe("the Fetch form", () => {
  it("answers 400 for a Request whose body was already read or locked, and never rejects", async () => {
    const receiver = createWebhookReceiver().on("*", () => undefined);
    const used = post(text);
    await used.text();
    const used400 = await receiver.handle(used);
    expect([used400.status, ((await used400.json()) as { title: string }).title]).toEqual([400, "The request body was already read before the receiver got it"]);
    const locked = post(text);
    locked.body!.getReader();
    expect((await receiver.handle(locked)).status).toBe(400);
  });

  it("resolves with a 500 for something that is not a Request, and tells onError", async () => {
    const errors: unknown[] = [];
    const receiver = createWebhookReceiver({ onError: (error) => void errors.push(error) });
    for (const notARequest of [{}, null, "POST /"]) expect((await receiver.handle(notARequest as never)).status).toBe(500);
    expect(errors).toHaveLength(3);
  });

  it("answers 400 for a stream that errors or yields something other than bytes", async () => {
    const receiver = createWebhookReceiver();
    const failing = new ReadableStream({ pull: (controller) => controller.error(new Error("peer reset")) });
    expect((await receiver.handle(post(failing))).status).toBe(400);
    const strings = new ReadableStream({ start: (controller) => (controller.enqueue("not bytes"), controller.close()) });
    expect((await receiver.handle(new Request("http://receiver.test/", { method: "POST", headers: { "content-type": "application/json" }, body: strings, duplex: "half" } as RequestInit))).status).toBe(400);
  });
});

describe("the node form", () => {
  /** Sends raw bytes and returns the status line, for requests no well-behaved client would send. */
  async function rawStatus(head: string, body: string): Promise<string> {
    let ran = false;
    const server = createServer(createNodeHandler(createWebhookReceiver().on("*", () => void (ran = true))));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
      socket.end(`${head}\r\n\r\n${body}`);
      let answer = "";
      for await (const chunk of socket) answer += chunk;
      return `${answer.split("\r\n")[0]}${ran ? " (handler ran)" : ""}`;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it("never runs a handler for conflicting framing: duplicate content-lengths, or content-length with chunked", async () => {
    const start = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json";
    expect(await rawStatus(`${start}\r\nContent-Length: ${text.length}\r\nContent-Length: 5`, text)).toBe("HTTP/1.1 400 Bad Request");
    expect(await rawStatus(`${start}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked`, `${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`)).toBe("HTTP/1.1 400 Bad Request");
    expect(await rawStatus(`${start}\r\nContent-Length: ${text.length}\r\nConnection: close`, text)).toBe("HTTP/1.1 200 OK (handler ran)");
    const oneByteChunks = [...text].map((c) => `1\r\n${c}\r\n`).join("");
    expect(await rawStatus(`${start}\r\nTransfer-Encoding: chunked\r\nConnection: close`, `${oneByteChunks}0\r\n\r\n`)).toBe("HTTP/1.1 200 OK (handler ran)");
  });

  it("survives peers that go away mid-body, and keeps answering", async () => {
    const server = createServer(createNodeHandler(createWebhookReceiver({ bodyTimeoutMs: 20 }).on("*", () => undefined)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (let i = 0; i < 5; i += 1) {
        const socket = connect(port, "127.0.0.1");
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        socket.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 40)); // past the body deadline of the dropped requests
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
      expect(response.status).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  /** A server with `handler` behind `before`, and a raw socket per request: status lines as they come. */
  async function withServer(handler: ReturnType<typeof createNodeHandler>, run: (port: number) => Promise<void>, before?: (req: IncomingMessage) => void) {
    const server = createServer((req, res) => (before?.(req), handler(req, res)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await run((server.address() as AddressInfo).port);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }
  const head = (length: number | "chunked") =>
    `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${length === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`}\r\n\r\n`;
  /** Opens a socket and writes `first`: `answer` is its first bytes back, `received` all of them once it closes. */
  function open(port: number, first: string) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined); // writes after the server closed may fail; the answer is what counts
    socket.setEncoding("latin1");
    let all = "";
    const answer = new Promise<string>((resolve) => socket.once("data", resolve));
    socket.on("data", (chunk: string) => (all += chunk));
    const received = new Promise<string>((resolve) => socket.on("close", () => resolve(all)));
    socket.write(first);
    return { socket, answer, received };
  }
  const statusOf = (answer: string) => answer.split("\r\n")[0];

  it("answers each of many interleaved requests on its own: stalled ones 408, finished ones 200, in any order", async () => {
    let ran = 0;
    await withServer(createNodeHandler(createWebhookReceiver({ bodyTimeoutMs: 300 }).on("*", () => void (ran += 1))), async (port) => {
      const stalled: ReturnType<typeof open>[] = [];
      const finished: Promise<Response>[] = [];
      for (let i = 0; i < 6; i += 1) {
        stalled.push(open(port, `${head(text.length)}${text.slice(0, 5 + i)}`));
        // Finished requests leave the deadline list from its middle, between stalled ones.
        finished.push(fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" }, body: text }));
      }
      expect((await Promise.all(finished)).map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const answers = await Promise.all(stalled.map(({ received }) => received));
      expect(answers.map(statusOf)).toEqual(Array(6).fill("HTTP/1.1 408 Request Timeout"));
      expect(answers.every((answer) => /\r\nconnection: close\r\n/i.test(answer))).toBe(true);
    });
    expect(ran).toBe(6);
  });

  it("ignores a body that goes on arriving after its 408, runs no handler for it, and keeps answering", async () => {
    let ran = 0;
    await withServer(createNodeHandler(createWebhookReceiver({ bodyTimeoutMs: 200 }).on("*", () => void (ran += 1))), async (port) => {
      const late = open(port, `${head(text.length)}${text.slice(0, 10)}`);
      expect(statusOf(await late.answer)).toBe("HTTP/1.1 408 Request Timeout");
      late.socket.write(text.slice(10)); // the rest, too late
      await late.received;
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
      expect(response.status).toBe(200);
    });
    expect(ran).toBe(1);
  });

  it("answers 413 for a chunked body that grows past maxBytes, and stops reading it", async () => {
    await withServer(createNodeHandler(createWebhookReceiver({ maxBytes: 4096 }).on("*", () => undefined)), async (port) => {
      const big = open(port, head("chunked"));
      const chunk = `1000\r\n${" ".repeat(4096)}\r\n`;
      for (let i = 0; i < 4 && !big.socket.destroyed; i += 1) big.socket.write(chunk);
      expect(statusOf(await big.answer)).toBe("HTTP/1.1 413 Payload Too Large");
      await big.received; // and the connection is closed
    });
  });

  it("reads a body as text when a middleware called req.setEncoding() first, counting its UTF-8 bytes", async () => {
    const seen: unknown[] = [];
    const withAccents = JSON.stringify({ ...delivery, username: "émilie-ü" });
    const bytes = Buffer.byteLength(withAccents);
    for (const [maxBytes, status] of [
      [bytes, 200],
      [bytes - 1, 413],
    ] as const) {
      await withServer(
        createNodeHandler(createWebhookReceiver({ maxBytes }).on("*", (event) => void seen.push(event.username))),
        async (port) => {
          const sent = open(port, `${head("chunked")}${bytes.toString(16)}\r\n${withAccents}\r\n0\r\n\r\n`);
          expect(statusOf(await sent.answer)).toBe(status === 200 ? "HTTP/1.1 200 OK" : "HTTP/1.1 413 Payload Too Large");
          sent.socket.destroy();
        },
        (req) => req.setEncoding("utf8"),
      );
    }
    expect(seen).toEqual(["émilie-ü"]);
  });

  it("reads a body decoded by req.setEncoding() as the bytes that were sent, also with a character split between chunks", async () => {
    const withAccents = JSON.stringify({ ...delivery, username: "émilie-ü" });
    for (const encoding of ["utf8", "latin1", "hex", "base64"] as const) {
      const seen: unknown[] = [];
      await withServer(
        // Exactly maxBytes: the bytes counted are the bytes sent, however the decoder split them.
        createNodeHandler(createWebhookReceiver({ maxBytes: Buffer.byteLength(withAccents) }).on("*", (event) => void seen.push(event.username))),
        async (port) => {
          // Split inside "é": the decoder holds the odd byte (or base64 group) until the next chunk.
          const bytes = Buffer.from(withAccents);
          const cut = bytes.indexOf(0xc3) + 1;
          const sent = open(port, head(bytes.length));
          sent.socket.write(bytes.subarray(0, cut));
          await new Promise((resolve) => setTimeout(resolve, 20));
          sent.socket.write(bytes.subarray(cut));
          expect(statusOf(await sent.answer)).toBe("HTTP/1.1 200 OK");
          sent.socket.destroy();
        },
        (req) => req.setEncoding(encoding),
      );
      expect([encoding, seen]).toEqual([encoding, ["émilie-ü"]]);
    }
  });

  it("answers 400 for a body decoded by req.setEncoding() in an encoding that loses bytes (ascii), runs no handler", async () => {
    let ran = false;
    await withServer(
      createNodeHandler(createWebhookReceiver().on("*", () => void (ran = true))),
      async (port) => {
        const body = JSON.stringify({ ...delivery, username: "émilie" });
        const sent = open(port, `${head(Buffer.byteLength(body))}${body}`);
        expect(statusOf(await sent.answer)).toBe("HTTP/1.1 400 Bad Request");
      },
      (req) => req.setEncoding("ascii"),
    );
    expect(ran).toBe(false);
  });

  it("answers 400 when something else read the body and left nothing", async () => {
    const handler = createNodeHandler(createWebhookReceiver());
    const server = createServer(async (req, res) => {
      for await (const _ of req); // a middleware that swallows the body
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    server.close();
    expect(response.status).toBe(400);
  });
});

describe("the Lambda form", () => {
  const event = (overrides: object) => ({ requestContext: { http: { method: "POST" } }, headers: { "content-type": "application/json" }, body: text, ...overrides });

  it("decodes a base64 body, and refuses one too large before decoding it", async () => {
    const handler = createLambdaHandler(createWebhookReceiver({ maxBytes: 4096 }).on("*", () => undefined));
    expect((await handler(event({ body: Buffer.from(text).toString("base64"), isBase64Encoded: true }))).statusCode).toBe(200);
    expect((await handler(event({ body: "A".repeat(8000), isBase64Encoded: true }))).statusCode).toBe(413);
  });

  it("reads an API Gateway v1 event (httpMethod, headers in the sender's case)", async () => {
    const handler = createLambdaHandler(createWebhookReceiver().on("*", () => undefined));
    expect((await handler({ httpMethod: "POST", headers: { "Content-Type": "application/json" }, body: text })).statusCode).toBe(200);
    expect((await handler({ httpMethod: "POST", headers: null, body: text })).statusCode).toBe(415);
  });

  it("never rejects, even for an event that is not an HTTP event", async () => {
    const handler = createLambdaHandler(createWebhookReceiver());
    for (const event of [null, undefined, 42, {}]) expect((await handler(event as never)).statusCode).toBe(405);
  });
});

describe("receive() from any server", () => {
  it("takes bytes, text, a Node stream, a parsed value, Headers or a plain record", async () => {
    const receiver = createWebhookReceiver().on("*", () => undefined);
    const headers = { "content-type": "application/json" };
    for (const input of [
      { body: text },
      { body: new TextEncoder().encode(text) },
      { body: Readable.from([Buffer.from(text.slice(0, 20)), Buffer.from(text.slice(20))]) },
      { parsed: delivery },
      { body: new Response(text).body },
    ]) {
      expect((await receiver.receive({ method: "POST", headers, ...input })).status).toBe(200);
    }
    expect((await receiver.receive({ method: "POST", headers: new Headers(headers), body: text })).status).toBe(200);
  });

  it("answers 408 for an async iterable that stalls, and 413 for one that grows past maxBytes", async () => {
    const receiver = createWebhookReceiver({ bodyTimeoutMs: 30, maxBytes: 1024 });
    async function* stalls() {
      yield new TextEncoder().encode("{");
      await new Promise(() => undefined);
    }
    async function* grows() {
      for (;;) yield new Uint8Array(512);
    }
    const headers = { "content-type": "application/json" };
    expect((await receiver.receive({ method: "POST", headers, body: stalls() })).status).toBe(408);
    expect((await receiver.receive({ method: "POST", headers, body: grows() })).status).toBe(413);
  });
});

describe("bodies in many tiny chunks", () => {
  it("collects them whole in every form that streams", async () => {
    const receiver = createWebhookReceiver().on("*", () => undefined);
    const bytes = new TextEncoder().encode(text);
    const oneByteAtATime = () => (function* () {
      for (const byte of bytes) yield Uint8Array.of(byte);
    })();
    const headers = { "content-type": "application/json" };
    expect((await receiver.receive({ method: "POST", headers, body: Readable.from(oneByteAtATime()) })).status).toBe(200);
    const source = oneByteAtATime();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    expect((await receiver.receive({ method: "POST", headers, body: stream })).status).toBe(200);
  });
});
