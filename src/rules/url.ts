// The one http(s) URL rule: the client's base URL, the sender's target, the simulator's
// integrations, the validating proxy's upstream, the command line's --base-url and verify's --upstream.

/** What an http(s) URL given to the package may not be, named by rule. */
export type HttpUrlRule = "format" | "scheme" | "credentials" | "query";

export interface HttpUrlOptions {
  /** Refuse a query or a fragment (a base URL, which paths are appended to). Default false. */
  bare?: boolean;
  /** The longest URL accepted (default: no bound). */
  maxLength?: number;
}

export type HttpUrlCheck = { url: URL; rule?: undefined; problem?: undefined } | { url?: undefined; rule: HttpUrlRule; problem: string };

/**
 * Parses `value` as an http(s) URL without credentials; never quotes the value (it may hold a
 * secret). A `problem` completes "must be an http(s) URL, …".
 */
export function checkHttpUrl(value: unknown, { bare = false, maxLength = Infinity }: HttpUrlOptions = {}): HttpUrlCheck {
  let url: URL | undefined;
  if (typeof value === "string" && value.length <= maxLength) {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined) return { rule: "format", problem: typeof value === "string" && value.length > maxLength ? `and this one is longer than ${maxLength} characters` : "and this one does not parse" };
  if (url.protocol !== "http:" && url.protocol !== "https:") return { rule: "scheme", problem: `got a ${url.protocol.slice(0, 20)} URL` };
  if (url.username !== "" || url.password !== "") return { rule: "credentials", problem: "without credentials (user:password@)" };
  if (bare && (url.search !== "" || url.hash !== "")) return { rule: "query", problem: "without a query or a fragment" };
  return { url };
}
