import type { WebhookReceiver } from "./receiver.js";

/** The parts of `http.IncomingMessage` the handler uses (typed here so browsers need no @types/node). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array> {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  readableEnded: boolean;
  /** Set by body-parsing middleware such as express.json(). */
  body?: unknown;
}

/** The parts of `http.ServerResponse` the handler uses. */
export interface NodeResponseLike {
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers?: Record<string, string>): { end(body?: string): unknown };
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * A `(req, res)` handler for `node:http` and Express-style servers. It reads the raw body itself,
 * up to the receiver's byte limit; behind `express.json()` it uses the already parsed body.
 *
 * @example
 * http.createServer(createNodeHandler(receiver)).listen(3000);
 * app.post("/socotra/events", createNodeHandler(receiver));
 */
export function createNodeHandler(receiver: WebhookReceiver): (req: NodeRequestLike, res: NodeResponseLike) => void {
  return (req, res) => {
    const length = header(req.headers["content-length"]);
    receiver
      .receive({
        method: req.method ?? "",
        contentType: header(req.headers["content-type"]) ?? null,
        contentLength: length === undefined ? null : Number(length),
        ...(req.body !== undefined && req.readableEnded ? { parsed: req.body } : { chunks: req }),
      })
      .then(
        (answer) => {
          // An oversized body is not read to its end: close the connection rather than drain it.
          if (answer.status === 413) res.setHeader("connection", "close");
          res.writeHead(answer.status, answer.headers).end(answer.body);
        },
        () => res.writeHead(500, { "content-type": "application/problem+json" }).end('{"type":"about:blank","title":"The receiver failed","status":500}'),
      );
  };
}
