// What an HTTP header may hold, for everything the package sends: the client's per-call headers
// and token, the sender's extra headers, the simulator's integration headers.

/** RFC 9110 `token`: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 `field-value` without obs-text: visible ASCII, spaces and tabs. */
const ASCII_VALUE = /^[\t\x20-\x7e]*$/;
/** What fetch and Node's HTTP client accept: the above plus Latin-1 (obs-text), nothing past U+00FF. */
const LATIN1_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** A credential: printable ASCII with no surrounding spaces, so that it travels unchanged. */
const TOKEN_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export const isHeaderName = (name: unknown): name is string => typeof name === "string" && HEADER_NAME.test(name);

/**
 * Whether `value` is a header value the package will send. `latin1` also accepts U+0080 to U+00FF
 * (obs-text, which fetch sends as bytes): the client passes such a value on as the caller gave it;
 * the sender, which builds deliveries for any receiver, sends visible ASCII only.
 */
export const isHeaderValue = (value: unknown, { latin1 = false } = {}): value is string => typeof value === "string" && (latin1 ? LATIN1_VALUE : ASCII_VALUE).test(value);

/** Whether `value` can be sent as a token (Authorization): non-empty printable ASCII, no surrounding spaces. */
export const isTokenValue = (value: unknown): value is string => typeof value === "string" && TOKEN_VALUE.test(value);

/** Headers fetch derives from the body and the connection itself, and refuses (or breaks on) when given. */
export const MANAGED_HEADERS: ReadonlySet<string> = new Set(["connection", "content-length", "expect", "keep-alive", "transfer-encoding", "upgrade"]);
