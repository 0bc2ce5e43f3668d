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

/** The request never got an HTTP answer (connection refused or reset, DNS failure), after any retries. */
export class WebhooksNetworkError extends WebhooksContractError {
  override name = "WebhooksNetworkError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(`${method} ${url} failed without an HTTP answer after ${attempts} attempt(s)`, options);
  }
}

/** A successful answer whose body is not the JSON its content type promises. */
export class WebhooksResponseError extends WebhooksContractError {
  override name = "WebhooksResponseError";
  constructor(message: string, options?: { cause: unknown }) {
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
