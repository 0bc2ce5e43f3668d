// Which answers to a resend (or delete) prove the platform did nothing, and which do not: the one
// home of that decision. `failed` is safe to try again; `unknown` may have been acted on (the
// platform may have resent the event, and only the gateway gave up), so a later run never repeats
// it unless the operator says so (--retry-unknown, after checking the receiver). docs/resend-outcomes.md
// holds this table, rendered by `outcomeTable()` and checked against it by a test.
import { WebhooksNetworkError, WebhooksRequestError } from "../errors.js";

export type AnswerOutcome = "done" | "failed" | "unknown";

/** What a request ended with: an HTTP status, or an error thrown instead of one. */
export type Answer = { readonly status: number } | { readonly error: unknown };

export interface OutcomeRule {
  /** The answer, as the table shows it. */
  readonly answer: string;
  readonly outcome: AnswerOutcome;
  readonly why: string;
  readonly matches: (answer: Answer) => boolean;
}

const status = (test: (code: number) => boolean) => (answer: Answer) => "status" in answer && test(answer.status);
const error = (test: (thrown: unknown) => boolean) => (answer: Answer) => "error" in answer && test(answer.error);

/** First match wins; the last rule matches everything else. */
export const OUTCOME_RULES: readonly OutcomeRule[] = [
  { answer: "2xx", outcome: "done", why: "the platform accepted the request", matches: status((code) => code >= 200 && code < 300) },
  {
    answer: "408, 3xx (a redirect, never followed)",
    outcome: "unknown",
    why: "a gateway may send 408 after forwarding the request; a 303 can follow a request that was acted on (usually the base URL is wrong: check it)",
    matches: status((code) => code === 408 || (code >= 300 && code < 400)),
  },
  {
    answer: "other 4xx (400, 401, 403, 404, 409, 429...)",
    outcome: "failed",
    why: "the platform refused the request: it says it did not act on it",
    matches: status((code) => code >= 400 && code < 500),
  },
  {
    answer: "501, 505",
    outcome: "failed",
    why: "the server does not support the request at all",
    matches: status((code) => code === 501 || code === 505),
  },
  {
    answer: "other 5xx (500, 502, 503, 504...)",
    outcome: "unknown",
    why: "a server error or a gateway giving up proves nothing: the platform may have resent before the answer was lost",
    matches: status((code) => code >= 500 && code < 600),
  },
  {
    answer: "refused by the client before sending (a parameter it will not send)",
    outcome: "failed",
    why: "nothing was sent",
    matches: error((thrown) => thrown instanceof WebhooksRequestError),
  },
  {
    answer: "no connection (refused, DNS, TLS handshake, unreachable)",
    outcome: "failed",
    why: "the request never left: no connection, no name or no TLS session",
    matches: error((thrown) => thrown instanceof WebhooksNetworkError && thrown.reason.beforeSending),
  },
  {
    answer: "connection lost after sending (reset, closed), a timeout, any other error or status",
    outcome: "unknown",
    why: "the request may have reached the platform and been acted on",
    matches: () => true,
  },
];

/** The outcome of one answer, and the rule that decided it. */
export function classifyAnswer(answer: Answer): OutcomeRule {
  return OUTCOME_RULES.find((rule) => rule.matches(answer))!;
}

/** The rules as the Markdown table of docs/resend-outcomes.md. */
export function outcomeTable(): string {
  const rows = OUTCOME_RULES.map((rule) => `| ${rule.answer} | ${rule.outcome} | ${rule.why} |`);
  return ["| Answer | Outcome | Why |", "| --- | --- | --- |", ...rows].join("\n");
}
