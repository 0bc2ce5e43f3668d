// The simulator's rules for what callers hand it outside the spec's schemas: names, integrations
// (URL and headers), and the typed refusal an answer is built from.
import { WebhooksContractError, type ContractIssue } from "../errors.js";
import { checkHttpUrl } from "../rules/url.js";
import { isHeaderName, isHeaderValue } from "../rules/headers.js";

/** A request the simulator refuses: its status and the issues naming each field and rule. Always caught and answered. */
export class BadRequest extends WebhooksContractError {
  override name = "BadRequest";
  constructor(
    readonly status: number,
    readonly issues: ContractIssue[],
    message: string,
  ) {
    super(message);
  }
}

export const issue = (path: string, rule: string, message: string): ContractIssue => ({ path, rule, message });

/** The longest name (webhook, integration, transaction, username, event id) the simulator keeps. */
export const MAX_NAME = 1024;

/** The header the simulator puts on every delivery and alert: a request to a simulator that carries it is a delivery looping back. */
export const LOOP_HEADER = "socotra-simulator-delivery";

// Set by the simulator itself, or never sent: socotra-signature's signing is not documented.
const RESERVED_HEADERS = new Set(["socotra-signature", LOOP_HEADER, "content-type", "content-length", "host", "connection", "transfer-encoding", "keep-alive", "upgrade", "expect", "te", "trailer"]);

/** The rule of a name (webhook, integration, transaction, username, event id): a string of 1 to MAX_NAME characters. */
export function nameIssue(value: unknown, path: string): ContractIssue | undefined {
  return typeof value === "string" && value.length >= 1 && value.length <= MAX_NAME ? undefined : issue(path, "type", `must be a string of 1 to ${MAX_NAME} characters`);
}

export function checkName(value: unknown, path: string): string {
  const problem = nameIssue(value, path);
  if (problem !== undefined) throw new BadRequest(400, [problem], `${path} is invalid`);
  return value as string;
}

/** Checks an integration's URL and headers; returns the headers as a null-prototype object. */
export function checkIntegration(value: unknown, path: string): { url: string; headers: Record<string, string> } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BadRequest(400, [issue(path, "type", "must be an object with `url` and optional `headers`")], "invalid integration");
  const { url, headers = {} } = value as { url?: unknown; headers?: unknown };
  const issues: ContractIssue[] = [];
  const { url: parsed, rule } = checkHttpUrl(url, { maxLength: 2048 });
  if (rule === "credentials") issues.push(issue(`${path}/url`, "credentials", "must not carry credentials: put them in `headers`"));
  else if (parsed === undefined) issues.push(issue(`${path}/url`, "format", "must be an http(s) URL of at most 2048 characters"));
  for (const key of Object.keys(value)) if (key !== "url" && key !== "headers" && key !== "name") issues.push(issue(`${path}/${key}`, "additionalProperties", "is not a field of an integration"));
  const checked: Record<string, string> = Object.create(null);
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) issues.push(issue(`${path}/headers`, "type", "must be an object of header names to string values"));
  else {
    const entries = Object.entries(headers);
    if (entries.length > 64) issues.push(issue(`${path}/headers`, "maxProperties", "must have at most 64 headers"));
    for (const [name, headerValue] of entries.slice(0, 64)) {
      const where = `${path}/headers/${name.slice(0, 64)}`;
      if (!isHeaderName(name) || name.length > 256) issues.push(issue(where, "name", "is not a valid header name"));
      else if (RESERVED_HEADERS.has(name.toLowerCase())) issues.push(issue(where, "reserved", name.toLowerCase() === "socotra-signature" ? "is never sent: its signing is not documented" : "is set by the simulator"));
      // fetch refuses anything but visible Latin-1 and tabs, which would fail every delivery.
      else if (!isHeaderValue(headerValue, { latin1: true }) || headerValue.length > 8192) issues.push(issue(where, "value", "must be a string of at most 8192 visible Latin-1 characters (no CR, LF or other control characters)"));
      else checked[name] = headerValue;
    }
  }
  if (issues.length > 0) throw new BadRequest(400, issues, "invalid integration");
  return { url: parsed!.href, headers: checked };
}
