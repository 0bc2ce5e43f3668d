import { networkCause, type NetworkCause } from "./network-cause.js";

/** Base class of every error this package throws on purpose; `instanceof` tells them apart. */
export class WebhooksContractError extends Error {
  override name = "WebhooksContractError";
}

/** A request took longer than the client's `timeoutMs`. Not retried: the server may still act on it. */
export class WebhooksTimeoutError extends WebhooksContractError {
  override name = "WebhooksTimeoutError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${url} timed out after ${timeoutMs} ms`);
  }
}

/**
 * The request never got an HTTP answer (connection refused or reset, DNS or TLS failure), or lost
 * its answer's body mid-read, after any retries. `reason` names the cause.
 */
export class WebhooksNetworkError extends WebhooksContractError {
  override name = "WebhooksNetworkError";
  /** Why, with the system's code: `ECONNREFUSED (connection refused: ...)`, `ENOTFOUND (host not found (DNS))`. */
  readonly reason: NetworkCause;
  constructor(
    readonly method: string,
    readonly url: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    const reason = networkCause(options.cause);
    super(`${method} ${url} failed without an HTTP answer after ${attempts} attempt(s): ${reason.text}`, options);
    this.reason = reason;
  }
}

/** An answer the client cannot hand back: a success body that is not JSON, or a body over `maxResponseBytes`. Never quotes the body. */
export class WebhooksResponseError extends WebhooksContractError {
  override name = "WebhooksResponseError";
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
  }
}

/** The answer's body grew past the client's `maxResponseBytes`; reading stopped there. */
export class WebhooksResponseTooLargeError extends WebhooksResponseError {
  override name = "WebhooksResponseTooLargeError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly maxResponseBytes: number,
  ) {
    super(`${method} ${url} answered a body larger than maxResponseBytes (${maxResponseBytes} bytes); reading stopped there`);
  }
}

/**
 * A request the client refused to send: a path parameter the URL parser would rewrite (`.`, `..`)
 * or that breaks the spec's rules, a missing parameter, an operation the API does not have, or a
 * token no header can carry. Nothing was sent. Never quotes the value.
 */
export class WebhooksRequestError extends WebhooksContractError {
  override name = "WebhooksRequestError";
  constructor(
    readonly method: string,
    /** The path template, e.g. `/webhooks/{name}`. */
    readonly path: string,
    /** The parameter or option at fault (`name`, `transactionId`, `limit`, `token`), or null for the operation itself. */
    readonly parameter: string | null,
    /** The rule it broke, e.g. `minLength`, `dot-segment`, `required`, `operation`, `token-function` (its error is the `cause`). */
    readonly rule: string,
    /** What is wrong, without the operation and parameter (`must be at least 1 character(s) long`). */
    readonly detail: string,
    options?: { cause: unknown },
  ) {
    super(`${method} ${path}: ${parameter === null ? "" : `\`${parameter}\` `}${detail}; nothing was sent`, options);
  }
}

/**
 * The API answered a redirect. The client follows none: a redirect would carry the token and the
 * body to wherever `Location` points. Usually `baseUrl` is wrong (http for https, another host).
 */
export class WebhooksRedirectError extends WebhooksContractError {
  override name = "WebhooksRedirectError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    /** The origin `Location` points to (`https://example.com`), or null when the answer gave none. */
    readonly targetOrigin: string | null,
  ) {
    super(
      `${method} ${url} answered a redirect (${status}) to ${targetOrigin ?? "no Location"}; redirects are not followed: check \`baseUrl\``,
    );
  }
}

/** `iterateDivertedEvents` stopped on a page it cannot trust, or at `maxPages`. */
export class WebhooksPaginationError extends WebhooksContractError {
  override name = "WebhooksPaginationError";
  constructor(
    /** `repeated-page`, `page-too-long`, `invalid-page` or `max-pages`. */
    readonly reason: "repeated-page" | "page-too-long" | "invalid-page" | "max-pages",
    /** The `offset` of the page at fault. */
    readonly offset: number,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** The API answered an error status where a helper (such as iterateDivertedEvents) needs success. */
export class WebhooksApiError extends WebhooksContractError {
  override name = "WebhooksApiError";
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** One reason a value breaks the contract: the JSON pointer of the field, and the rule it broke. */
export interface ContractIssue {
  /** JSON pointer of the offending field (`""` for the whole value, `/id` for a missing `id`). */
  path: string;
  /** What is wrong, naming the rule. Never contains the offending value. */
  message: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `enum`, `pattern`...) or `json`, `size`. */
  rule: string;
}

/** A value, JSON text or body that breaks one of the contract's schemas. */
export class ContractValidationError extends WebhooksContractError {
  override name = "ContractValidationError";
  constructor(
    readonly schema: string,
    readonly issues: readonly ContractIssue[],
  ) {
    const shown = issues.slice(0, 5).map((issue) => `${issue.path || "(root)"} ${issue.message}`);
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
    super(`${schema} is invalid: ${shown.join("; ")}${more}`);
  }
}

/**
 * An option the caller passed breaks its rule: names the function, the option and the rule, as
 * WebhooksRequestError does for a request. Thrown before anything is started or sent.
 */
export class WebhooksOptionError extends WebhooksContractError {
  override name = "WebhooksOptionError";
  constructor(
    /** The function the option was passed to (`createSimulator`, `sendSampleEvents`). */
    readonly caller: string,
    /** The option at fault (`limits.maxWebhooks`, `port`, `url`). */
    readonly option: string,
    /** The rule it broke: `type`, `minimum`, `maximum`, `enum`, `format`, `unknown`... */
    readonly rule: string,
    /** What is wrong, naming the option (`` `port` must be an integer from 0 to 65535 ``); never quotes its value. */
    readonly detail: string,
  ) {
    super(`${caller}: ${detail}`);
  }
}

/** A bad simulator assumption (`assume`, `--assume KEY=VALUE`); the message names the key and the rule. */
export class AssumptionError extends WebhooksContractError {
  override name = "AssumptionError";
  constructor(
    message: string,
    /** The assumption at fault, or null when the whole `assume` (or an `--assume` without `=`) is. */
    readonly key: string | null,
    /** The rule it broke: `unknown`, `range`, `enum`, `statuses`, `type` or `format`. */
    readonly rule: "unknown" | "range" | "enum" | "statuses" | "type" | "format",
  ) {
    super(message);
  }
}

/** A contract violation the simulator caught in something it produced: always a bug of the simulator. */
export interface SimulatorViolation {
  schema: string;
  where: string;
  issues: readonly ContractIssue[];
}

/** Thrown (by default) when the simulator produces a body that breaks the contract. */
export class SimulatorContractViolation extends WebhooksContractError {
  override name = "SimulatorContractViolation";
  constructor(readonly violation: SimulatorViolation) {
    super(`the simulator produced a ${violation.schema} that breaks the contract (${violation.where}): ${violation.issues.map((i) => `${i.path || "(root)"} ${i.message}`).join("; ")}`);
  }
}

/** A receiver's handler promise did not settle within `handlerTimeoutMs`; the delivery was answered 503. */
export class WebhookHandlerTimeoutError extends WebhooksContractError {
  override name = "WebhookHandlerTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`the webhook handlers did not settle within ${timeoutMs} ms; the delivery was answered 503`);
  }
}

/** The Prism mock cannot start: the port is taken, or Prism failed (its own output is in the message). */
export class MockServerError extends WebhooksContractError {
  override name = "MockServerError";
}

/** The simulator's server cannot start: the port is taken on that host (`port`, `host` say which). */
export class SimulatorServerError extends WebhooksContractError {
  override name = "SimulatorServerError";
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`startSimulator: port ${port} on ${host} is already in use: stop what listens there or choose another port`);
  }
}

/** Ends a command of the command line with `exitCode`: 1 when something failed, 2 for bad usage or input. */
export class CliError extends WebhooksContractError {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 130,
  ) {
    super(message);
  }
}

/** Why a file given to the command line cannot be read, as the rule it breaks (`is larger than 65536 bytes`). */
export class FileReadError extends WebhooksContractError {
  override name = "FileReadError";
}

/**
 * An event's handlers completed after its claim had passed to another delivery (its lease ran out
 * first), so they may have run twice. The delivery was still answered 200. Raise the receiver's
 * `dedupeLeaseMs` above the longest a handling takes, or make the handlers' effects idempotent.
 */
export class WebhookClaimLostError extends WebhooksContractError {
  override name = "WebhookClaimLostError";
  constructor(readonly leaseMs: number) {
    super(`an event's handlers completed after its claim's lease of ${leaseMs} ms ran out and another delivery took the event over: they may have run twice; raise dedupeLeaseMs`);
  }
}
