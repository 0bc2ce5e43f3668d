// Requests from the page: same origin only, the token (when the simulator has tokens) in this
// tab's memory and in the Authorization header as the API takes it, never in a URL or storage.

let token: string | undefined;
let onUnauthorized: () => void = () => {};

/** Without tokens the simulator's operations take any non-empty Authorization: this one. */
const ANY_TOKEN = "console";
/** Most requests are reads; raising an event or resending waits for its deliveries, retries included. */
export const READ_TIMEOUT_MS = 15_000;
export const DELIVERY_TIMEOUT_MS = 10 * 60_000;

export function useToken(value: string): void {
  token = value;
}

export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export interface Answer {
  status: number;
  ok: boolean;
  body: unknown;
}

/** Calls the simulator; a 401 asks for a token. Rejects only when no answer came (network, timeout). */
export async function call(method: string, path: string, body?: unknown, timeoutMs = READ_TIMEOUT_MS): Promise<Answer> {
  const headers: Record<string, string> = { authorization: token ?? ANY_TOKEN };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
    credentials: "omit",
    cache: "no-store",
    redirect: "error",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (response.status === 401) onUnauthorized();
  return { status: response.status, ok: response.ok, body: parsed };
}

/** `/webhooks/NAME/...` with each segment percent-encoded. */
export const webhookPath = (name: string, ...rest: string[]): string => ["/webhooks", name, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join("/");
