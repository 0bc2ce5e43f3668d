// Prism (the mock, and the validating proxy behind `verify`) says why it refused a request, or
// how a response breaks the contract, only in an `sl-violations` header; the body is the spec's
// example. This reads that header.

/** One way a request or response broke the contract, as Prism reports it. */
export interface ContractViolation {
  /** Where, dot-joined as Prism reports it: `request.path.name`, `response.body.webhooks.0.enabled`. */
  location: string;
  message: string;
  /** Prism's severity: `Error`, `Warning`... */
  severity: string;
}

const NONE: readonly ContractViolation[] = Object.freeze([]);
/** A header larger than this is not read (Node's own header limit is 16 KiB). */
const MAX_HEADER_CHARS = 64 * 1024;

const text = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);

/**
 * The violations in a response's `sl-violations` header (empty when there is none, or when it is
 * not Prism's JSON list). Never throws.
 *
 * @example
 * const { error, response } = await client.GET("/webhooks/{name}", { params: { path: { name } } });
 * for (const violation of contractViolations(response)) console.error(violation.location, violation.message);
 */
export function contractViolations(response: Pick<Response, "headers">): readonly ContractViolation[] {
  const header = response.headers.get("sl-violations");
  if (header === null || header.length > MAX_HEADER_CHARS) return NONE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return NONE;
  }
  if (!Array.isArray(parsed)) return NONE;
  return parsed
    .filter((item): item is Record<string, unknown> => item !== null && typeof item === "object")
    .map((item) => ({
      location: Array.isArray(item.location) ? item.location.map(String).join(".") : text(item.location, ""),
      message: text(item.message, "(no message)"),
      severity: text(item.severity, "Error"),
    }));
}
