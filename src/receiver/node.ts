// The node:http and Express form. The body is collected with 'data'/'end' listeners and, when the
// handlers are synchronous, answered in the same tick: no async iteration or promise per request.
// A request's state is one object, which is also its entry in the body-deadline list: per request,
// three listener closures ('data', 'end', 'close') and no timer, clock read or hash-set entry.
import { ACCEPTED, BODY_ALREADY_READ, BODY_TIMEOUT, BODY_UNREADABLE, isThenable, RECEIVER_FAILED, type ReceiverAnswer } from "./answers.js";
import { Chunks } from "../rules/body.js";
import { BodyDeadline } from "./body.js";
import { coreOf, type ReceiverCore, type WebhookReceiver } from "./core.js";

/** The parts of `http.IncomingMessage` the handler uses (typed here so browsers need no @types/node). */
export interface NodeRequestLike {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  readableEnded: boolean;
  /** What req.setEncoding() set (node normalizes it: "utf8", "latin1", "hex"...), if anything did. */
  readableEncoding?: string | null;
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

const first = (value: string | string[] | undefined) => (typeof value === "string" || value === undefined ? value : value[0]);
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
// Text in these encodings turns back into the bytes that were sent; in others (ascii drops each
// byte's high bit, utf16le an odd last byte) it does not, and the body is refused as unreadable.
const REVERSIBLE = new Set(["latin1", "hex", "base64", "base64url"]);

/** The bytes of a chunk a decoder made text (utf8 re-encodes; others go back through Buffer). */
function bytesOf(text: string, encoding: string | null | undefined): Uint8Array | undefined {
  if (encoding === undefined || encoding === null || encoding === "utf8" || encoding === "utf-8") return encoder.encode(text);
  const buffer = (globalThis as { Buffer?: { from(text: string, encoding: string): Uint8Array } }).Buffer;
  return buffer !== undefined && REVERSIBLE.has(encoding) ? buffer.from(text, encoding) : undefined;
}

function send(res: NodeResponseLike, answer: ReceiverAnswer, close: boolean): void {
  if (res.headersSent) return;
  res.statusCode = answer.status;
  if (answer !== ACCEPTED) for (const name of Object.keys(answer.headers)) res.setHeader(name, answer.headers[name]!);
  // A body left unread (413, 408, an early 4xx) is not drained: the connection closes instead.
  if (close) res.setHeader("connection", "close");
  if (answer.body === "") res.end();
  else res.end(answer.body);
}

function reply(res: NodeResponseLike, outcome: ReceiverAnswer | Promise<ReceiverAnswer>): void {
  if (isThenable(outcome)) outcome.then((answer) => send(res, answer, false), () => send(res, RECEIVER_FAILED, false));
  else send(res, outcome, false);
}

/** One request whose body is being read. */
class NodeDelivery extends BodyDeadline {
  size = 0;
  /** The body while it is one chunk (the common case); `more` from the second on. */
  first: Uint8Array | undefined = undefined;
  more: Chunks | undefined = undefined;
  settled = false;

  constructor(
    readonly core: ReceiverCore,
    readonly req: NodeRequestLike,
    readonly res: NodeResponseLike,
  ) {
    super();
  }

  /** The body did not arrive within bodyTimeoutMs (also how a peer gone mid-body is let go). */
  expire(): void {
    if (!this.settled) this.stop(BODY_TIMEOUT);
  }

  stop(answer: ReceiverAnswer): void {
    this.settled = true;
    this.first = this.more = undefined;
    this.req.pause();
    send(this.res, answer, true);
  }

  /** The request closed before its end (the peer went away mid-body): nothing to answer, nothing to keep. */
  gone(): void {
    if (this.settled) return;
    this.settled = true;
    this.core.deadlines.delete(this);
    this.first = this.more = undefined;
  }

  data(chunk: Uint8Array | string): void {
    if (this.settled) return;
    // Text, if something called req.setEncoding() before the receiver got the request.
    const bytes = typeof chunk === "string" ? bytesOf(chunk, this.req.readableEncoding) : chunk;
    if (bytes === undefined) {
      this.core.deadlines.delete(this);
      return this.stop(BODY_UNREADABLE);
    }
    const size = this.size + bytes.byteLength;
    if (size > this.core.maxBytes) {
      this.core.deadlines.delete(this);
      return this.stop(this.core.tooLarge);
    }
    this.size = size;
    if (this.first === undefined && this.more === undefined) this.first = bytes;
    else {
      if (this.more === undefined) {
        this.more = new Chunks();
        this.more.push(this.first!);
        this.first = undefined;
      }
      this.more.push(bytes);
    }
  }

  end(): void {
    this.core.deadlines.delete(this);
    if (this.settled) return;
    this.settled = true;
    const body = this.more !== undefined ? this.more.bytes() : (this.first ?? EMPTY);
    this.first = this.more = undefined;
    reply(this.res, this.core.fromRaw(body));
  }
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
  const core = coreOf(receiver, "createNodeHandler");
  const { deadlines } = core;
  return function socotraWebhookHandler(req, res) {
    try {
      const { headers } = req;
      const early = core.precheck(req.method, first(headers["content-type"]), first(headers["content-length"]));
      if (early !== undefined) return send(res, early, !req.readableEnded);
      if (req.readableEnded) return req.body === undefined ? send(res, BODY_ALREADY_READ, false) : reply(res, core.fromParsed(req.body));
      const delivery = new NodeDelivery(core, req, res);
      deadlines.add(delivery);
      req.on("data", (chunk: Uint8Array | string) => delivery.data(chunk));
      req.on("end", () => delivery.end());
      // A peer that goes away mid-body lets go of its body at once, not at its deadline: else a
      // peer that sends most of maxBytes and disconnects, over and over, has the server hold
      // bodyTimeoutMs worth of them while it holds no connection at all.
      req.on("close", () => delivery.gone());
    } catch (error) {
      core.report(error);
      send(res, RECEIVER_FAILED, true);
    }
  };
}
