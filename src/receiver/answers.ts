// The receiver's answers, built once: status, headers and an RFC 9457 problem body that never
// carries a value from the request.
import type { ContractIssue } from "../errors.js";

/** What a receiver answers; each adapter turns it into its runtime's response. */
export interface ReceiverAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const PROBLEM_HEADERS = Object.freeze({ "content-type": "application/problem+json" });

export function problem(status: number, title: string, issues?: readonly ContractIssue[]): ReceiverAnswer {
  const body = JSON.stringify({ type: "about:blank", title, status, ...(issues && { issues }) });
  return Object.freeze({ status, headers: PROBLEM_HEADERS, body });
}

export const ACCEPTED: ReceiverAnswer = Object.freeze({ status: 200, headers: Object.freeze({}), body: "" });
export const METHOD_NOT_ALLOWED: ReceiverAnswer = Object.freeze({ ...problem(405, "Only POST is accepted"), headers: Object.freeze({ ...PROBLEM_HEADERS, allow: "POST" }) });
export const UNSUPPORTED_MEDIA_TYPE = problem(415, "The body must be sent as application/json");
export const BODY_TIMEOUT = problem(408, "The body did not arrive in time");
export const BODY_ALREADY_READ = problem(400, "The request body was already read before the receiver got it");
export const BODY_UNREADABLE = problem(400, "The request body could not be read");
export const NOT_JSON = problem(400, "The body is not JSON");
export const HANDLER_FAILED = problem(500, "A handler failed");
export const HANDLER_TIMEOUT = problem(503, "The handlers did not finish in time");
export const RECEIVER_FAILED = problem(500, "The receiver failed");
export const STORE_UNAVAILABLE = problem(503, "The dedupe store did not answer");
export const tooLarge = (maxBytes: number) => problem(413, `The body is larger than ${maxBytes} bytes`);
export const contractBroken = (issues: readonly ContractIssue[]) => problem(400, "The body breaks the contract", issues);

export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
