// The three forms a receiver is served in, driven the same way: a request description goes in, the
// status, headers and body that a real client would see come out. Node is a real server on loopback.
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createLambdaHandler, createNodeHandler, type WebhookReceiver } from "../../src/index.js";

export interface TestRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Raw bytes instead of text (base64-encoded in the Lambda event). */
  bytes?: Uint8Array;
  /** A body sent in parts, a few ms apart, then ended or left hanging. */
  stream?: { parts: string[]; then: "end" | "stall" };
}

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Form = "node" | "fetch" | "lambda";
export const FORMS: readonly Form[] = ["node", "fetch", "lambda"];

const JSON_HEADERS = { "content-type": "application/json" };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function viaFetch(receiver: WebhookReceiver, req: TestRequest): Promise<TestResponse> {
  const method = req.method ?? "POST";
  let body: BodyInit | undefined = req.bytes ? (req.bytes as Uint8Array<ArrayBuffer>) : req.body;
  if (req.stream) {
    const { parts, then } = req.stream;
    const encoder = new TextEncoder();
    let index = 0;
    body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index < parts.length) {
          if (index > 0) await pause(2);
          controller.enqueue(encoder.encode(parts[index++]));
        } else if (then === "end") controller.close();
        else await new Promise(() => undefined); // hangs, as a stalled peer does
      },
    });
  }
  const request = new Request("http://receiver.test/socotra", { method, headers: req.headers ?? JSON_HEADERS, body, duplex: "half" } as RequestInit);
  const response = await receiver.handle(request);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

async function viaNode(receiver: WebhookReceiver, req: TestRequest): Promise<TestResponse> {
  const server = createServer(createNodeHandler(receiver));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<TestResponse>((resolve, reject) => {
      const outgoing = httpRequest({ host: "127.0.0.1", port, method: req.method ?? "POST", path: "/socotra", headers: req.headers ?? JSON_HEADERS }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: text }));
        res.on("error", reject);
      });
      // Writes after the server has answered and closed may fail; the answer is what counts.
      outgoing.on("error", (error) => setTimeout(() => reject(error), 50));
      if (!req.stream) return void outgoing.end(req.bytes ? Buffer.from(req.bytes) : req.body);
      const { parts, then } = req.stream;
      void (async () => {
        for (const [i, part] of parts.entries()) {
          if (i > 0) await pause(2);
          if (outgoing.destroyed) return;
          outgoing.write(part);
        }
        if (then === "end") outgoing.end();
      })();
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function viaLambda(receiver: WebhookReceiver, req: TestRequest): Promise<TestResponse> {
  const body = req.bytes ? Buffer.from(req.bytes).toString("base64") : (req.body ?? req.stream?.parts.join("") ?? null);
  const result = await createLambdaHandler(receiver)({
    requestContext: { http: { method: req.method ?? "POST" } },
    headers: req.headers ?? JSON_HEADERS,
    body,
    isBase64Encoded: req.bytes !== undefined,
  });
  return { status: result.statusCode, headers: result.headers, body: result.body };
}

export function send(form: Form, receiver: WebhookReceiver, req: TestRequest): Promise<TestResponse> {
  return form === "node" ? viaNode(receiver, req) : form === "fetch" ? viaFetch(receiver, req) : viaLambda(receiver, req);
}
