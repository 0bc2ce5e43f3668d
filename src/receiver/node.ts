// The node:http and Express form. The body is collected with 'data'/'end' listeners and, when the
// handlers are synchronous, answered in the same tick: no async iteration or promise per request.
import { BODY_ALREADY_READ, BODY_TIMEOUT, isThenable, RECEIVER_FAILED, type ReceiverAnswer } from "./answers.js";
import { Chunks } from "./body.js";
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
  for (const name of Object.keys(answer.headers)) res.setHeader(name, answer.headers[name]!);
  // A body left unread (413, 408, an early 4xx) is not drained: the connection closes instead.
  if (close) res.setHeader("connection", "close");
  if (answer.body === "") res.end();
  else res.end(answer.body);
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
  const { maxBytes } = core;
  const { deadlines } = core;
  return function socotraWebhookHandler(req, res) {
    try {
      const { headers } = req;
      const early = core.precheck(req.method, first(headers["content-type"]), first(headers["content-length"]));
      if (early !== undefined) return send(res, early, !req.readableEnded);
      if (req.readableEnded) return req.body === undefined ? send(res, BODY_ALREADY_READ, false) : reply(res, core.fromParsed(req.body));
      const chunks = new Chunks();
      let settled = false;
      const stop = (answer: ReceiverAnswer) => {
        settled = true;
        req.pause();
        send(res, answer, true);
      };
      // A peer that goes away mid-body is found here too (no 'error' listener needed): its entry
      // expires and the answer goes nowhere.
      const deadline = deadlines.add(() => settled || stop(BODY_TIMEOUT));
      req.on("data", (chunk: Uint8Array) => {
        if (settled) return;
        if (chunks.size + chunk.byteLength <= maxBytes) chunks.push(chunk);
        else {
          deadlines.delete(deadline);
          stop(core.tooLarge);
        }
      });
      req.on("end", () => {
        deadlines.delete(deadline);
        if (settled) return;
        settled = true;
        reply(res, core.fromRaw(chunks.bytes()));
      });
    } catch (error) {
      core.report(error);
      send(res, RECEIVER_FAILED, true);
    }
  };
}
