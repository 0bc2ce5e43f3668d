// The node:http and Express form. The body is collected with 'data'/'end' listeners and, when the
// handlers are synchronous, answered in the same tick: no async iteration or promise per request.
import { BODY_ALREADY_READ, BODY_TIMEOUT, isThenable, RECEIVER_FAILED, type ReceiverAnswer } from "./answers.js";
import { concat } from "./body.js";
import { coreOf, type WebhookReceiver } from "./core.js";

/** The parts of `http.IncomingMessage` the handler uses (typed here so browsers need no @types/node). */
export interface NodeRequestLike {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  readableEnded: boolean;
  /** Set by body-parsing middleware such as express.json() or express.raw(). */
  body?: unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
}

/** The parts of `http.ServerResponse` the handler uses. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function send(res: NodeResponseLike, answer: ReceiverAnswer, close: boolean): void {
  if (res.headersSent) return;
  res.statusCode = answer.status;
  for (const name in answer.headers) res.setHeader(name, answer.headers[name]!);
  // A body left unread (413, 408, an early 4xx) is not drained: the connection closes instead.
  if (close) res.setHeader("connection", "close");
  res.end(answer.body);
}

function reply(res: NodeResponseLike, outcome: ReceiverAnswer | Promise<ReceiverAnswer>): void {
  if (isThenable(outcome)) outcome.then((answer) => send(res, answer, false), () => send(res, RECEIVER_FAILED, false));
  else send(res, outcome, false);
}

/**
 * A `(req, res)` handler for `node:http` and Express-style servers. It reads the raw body itself,
 * up to the receiver's byte limit and within its body timeout; behind express.json() or
 * express.raw() it uses what the parser produced, held to the same limit and content type.
 *
 * @example
 * http.createServer(createNodeHandler(receiver)).listen(3000);
 * app.post("/socotra/events", createNodeHandler(receiver));
 */
export function createNodeHandler(receiver: WebhookReceiver): (req: NodeRequestLike, res: NodeResponseLike) => void {
  const core = coreOf(receiver);
  const { maxBytes, bodyTimeoutMs } = core;
  return function socotraWebhookHandler(req, res) {
    try {
      const { headers } = req;
      const early = core.precheck(req.method, first(headers["content-type"]), first(headers["content-length"]));
      if (early !== undefined) return send(res, early, !req.readableEnded);
      if (req.readableEnded) return req.body === undefined ? send(res, BODY_ALREADY_READ, false) : reply(res, core.fromParsed(req.body));
      const chunks: Uint8Array[] = [];
      let size = 0;
      let settled = false;
      const stop = (answer: ReceiverAnswer) => {
        settled = true;
        clearTimeout(timer);
        req.pause();
        send(res, answer, true);
      };
      const timer = setTimeout(() => settled || stop(BODY_TIMEOUT), bodyTimeoutMs);
      req.on("data", (chunk: Uint8Array) => {
        if (settled) return;
        size += chunk.byteLength;
        if (size > maxBytes) stop(core.tooLarge);
        else chunks.push(chunk);
      });
      req.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reply(res, core.fromRaw(concat(chunks, size)));
      });
      req.on("error", () => {
        // The peer went away mid-body: there is no one to answer.
        settled = true;
        clearTimeout(timer);
      });
    } catch (error) {
      core.report(error);
      send(res, RECEIVER_FAILED, true);
    }
  };
}
