// Why a request got no HTTP answer, in words, for every part that reports one (the client's
// errors, the command line, verify, the sample sender): the one home for naming a network cause.
// fetch rejects with `TypeError: fetch failed` whose `cause` (or the cause's cause) carries the
// system's code; its messages can quote a URL or a header value, so only codes and a few plain
// words are ever shown.

/** What kind of failure, and whether it proves the request never reached the server. */
export interface NetworkCause {
  /** The system's or undici's code (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`...), when one was given. */
  readonly code: string | undefined;
  readonly kind: "refused" | "dns" | "tls" | "reset" | "timeout" | "body" | "other";
  /** `ECONNREFUSED (connection refused)`: the code and what it means, never a URL or a header value. */
  readonly text: string;
  /** True only when the failure proves nothing was sent (no connection, no name, no TLS session). */
  readonly beforeSending: boolean;
}

const CODES: ReadonlyMap<string, { kind: NetworkCause["kind"]; words: string; beforeSending: boolean }> = new Map([
  ["ECONNREFUSED", { kind: "refused", words: "connection refused: is anything listening on that host and port?", beforeSending: true }],
  ["ENOTFOUND", { kind: "dns", words: "host not found (DNS)", beforeSending: true }],
  ["EAI_AGAIN", { kind: "dns", words: "host name lookup failed (DNS), maybe for now", beforeSending: true }],
  ["EHOSTUNREACH", { kind: "refused", words: "host unreachable", beforeSending: true }],
  ["ENETUNREACH", { kind: "refused", words: "network unreachable", beforeSending: true }],
  ["EADDRNOTAVAIL", { kind: "refused", words: "address not available", beforeSending: true }],
  ["UND_ERR_CONNECT_TIMEOUT", { kind: "timeout", words: "no connection within the connect timeout", beforeSending: true }],
  ["ECONNRESET", { kind: "reset", words: "connection reset by the peer", beforeSending: false }],
  ["EPIPE", { kind: "reset", words: "connection closed while sending", beforeSending: false }],
  ["UND_ERR_SOCKET", { kind: "reset", words: "connection closed by the other side", beforeSending: false }],
  ["UND_ERR_CLOSED", { kind: "reset", words: "connection closed", beforeSending: false }],
  ["ETIMEDOUT", { kind: "timeout", words: "the connection timed out", beforeSending: false }],
  ["UND_ERR_HEADERS_TIMEOUT", { kind: "timeout", words: "no answer headers in time", beforeSending: false }],
  ["UND_ERR_BODY_TIMEOUT", { kind: "timeout", words: "the answer's body stalled", beforeSending: false }],
  ["UND_ERR_RES_CONTENT_LENGTH_MISMATCH", { kind: "body", words: "the answer's body ended before its Content-Length", beforeSending: false }],
  ["Z_DATA_ERROR", { kind: "body", words: "the answer's compressed body is corrupt", beforeSending: false }],
  ["Z_BUF_ERROR", { kind: "body", words: "the answer's compressed body is cut short", beforeSending: false }],
  ["HPE_INVALID_CHUNK_SIZE", { kind: "body", words: "the answer's chunked body is malformed", beforeSending: false }],
]);

/** TLS failures happen in the handshake, before the request is written. */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(?:GET|VERIFY)_|HOSTNAME_MISMATCH|EPROTO$)/;

/** The first `code` along the `cause` chain (fetch's TypeError → undici's error → the system's). */
function codeOf(error: unknown): string | undefined {
  let at: unknown = error;
  for (let depth = 0; depth < 5 && at !== null && typeof at === "object"; depth += 1) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The plainest message along the cause chain: a few words, never a URL, a quote or a value. */
function plainWords(error: unknown): string | undefined {
  let at: unknown = error;
  for (let depth = 0; depth < 5 && at !== null && typeof at === "object"; depth += 1) {
    const message = (at as { message?: unknown }).message;
    if (typeof message === "string" && /^[a-z ]{1,40}$/i.test(message) && message !== "fetch failed") return message;
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Names why a request got no HTTP answer (or lost its answer's body). Never throws. */
export function networkCause(error: unknown): NetworkCause {
  const code = codeOf(error);
  const known = code === undefined ? undefined : CODES.get(code);
  if (code !== undefined && known !== undefined) return { code, kind: known.kind, text: `${code} (${known.words})`, beforeSending: known.beforeSending };
  if (code !== undefined && TLS_CODE.test(code)) return { code, kind: "tls", text: `${code} (TLS handshake failed: check the certificate and the URL's host)`, beforeSending: true };
  const words = plainWords(error);
  if (code !== undefined) return { code, kind: "other", text: code, beforeSending: false };
  if (words !== undefined && /terminated|other side closed|socket/i.test(words)) return { code, kind: "reset", text: `connection lost (${words})`, beforeSending: false };
  return { code, kind: "other", text: words === undefined ? "no HTTP answer" : `no HTTP answer: ${words}`, beforeSending: false };
}
