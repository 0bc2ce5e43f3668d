// The console's routes under /_simulator/ui: the page, and the few reads it needs beyond the
// simulator's own routes (a filtered, paged timeline; the body a delivery sent; how many events
// each webhook holds diverted; the contract's check of an event before it is raised). Everything that changes state goes through the
// platform's operations and /_simulator/, so the simulator's rules apply to the console as to curl.
import { randomUUID } from "node:crypto";
import { WEBHOOK_EVENT_TYPES } from "../../../generated/event-types.js";
import { ContractValidationError, type ContractIssue } from "../../errors.js";
import { decodeBody, parse } from "../../validation.js";
import type { Simulator, SimulatorAnswer, SimulatorRequest } from "../simulator.js";
import { CONSOLE_CSP, CONSOLE_HTML } from "./page.generated.js";
import { errorBody, json as jsonAnswer } from "../control.js";
import type { SentBodies } from "./sent-bodies.js";
import { parseTimelineQuery, timelinePage } from "./timeline.js";

export const CONSOLE_PATH = "/_simulator/ui";

// No caching (the page is the simulator's and changes with it), no framing, no sniffing, no referrer.
const HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "content-security-policy": CONSOLE_CSP,
});

const json = (status: number, value: unknown, extra: Record<string, string> = {}): SimulatorAnswer => jsonAnswer(status, value, { ...HEADERS, ...extra });
const problem = (status: number, message: string, issues?: readonly ContractIssue[], extra?: Record<string, string>) =>
  json(status, errorBody(message, issues), extra);

/** The contract's issues with an event the console is about to raise, as the platform would send it. */
export function checkEvent(candidate: unknown): ContractIssue[] {
  if (typeof candidate !== "object" || candidate === null || Array.isArray(candidate)) return [{ path: "", rule: "type", message: "must be an object with `type` and `data`" }];
  const { type, data, transactionId, username, id } = candidate as Record<string, unknown>;
  const envelope = { id: id ?? "console-check", timestamp: "0", transactionId: transactionId ?? "console-check", type, username: username ?? "simulator", data: data ?? {} };
  const issues: ContractIssue[] = [];
  for (const [schema, value, prefix] of [["WebhookEventType", type, "/type"], ["WebhookPayload", envelope, ""]] as const) {
    try {
      parse(schema, value);
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      issues.push(...error.issues.map((issue) => ({ ...issue, path: `${prefix}${issue.path}` })));
    }
  }
  return issues;
}

/** Whether a request target (origin-form or absolute-form) is one of the console's. */
export function isConsoleTarget(target: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(target, "http://simulator.invalid").pathname;
  } catch {
    return false;
  }
  return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
}

export interface ConsoleRoutes {
  /**
   * The console's answer, or undefined when `request` is not for the console (then the simulator answers it).
   * The server has checked Host and Origin first (see host.ts): the console answers only on the simulator's own host.
   */
  respond(request: SimulatorRequest): Promise<SimulatorAnswer> | undefined;
}

/** The console of `simulator`; `sent` holds the bodies its deliveries sent (see SentBodies.tap). */
export function createConsoleRoutes(simulator: Simulator, sent: SentBodies): ConsoleRoutes {
  // Names this console's journal for the timeline's `unchanged`: a restarted simulator begins `seq` again.
  const journal = randomUUID();
  /** Authorised exactly as the simulator's own routes are: asked of the simulator, so the rule has one home. */
  async function authorized(request: SimulatorRequest): Promise<boolean> {
    const probe = await simulator.respond({ method: "GET", url: "/_simulator/assumptions", header: (name) => (name === "authorization" ? request.header("authorization") : null), body: null });
    return probe.status !== 401;
  }

  async function api(request: SimulatorRequest, route: string, query: URLSearchParams): Promise<SimulatorAnswer> {
    if (!(await authorized(request))) return problem(401, "Unauthorized: send one of the simulator's tokens as the Authorization header");
    switch (route) {
      case "GET meta":
        return json(200, { eventTypes: WEBHOOK_EVENT_TYPES, limits: simulator.limits });
      case "GET timeline": {
        const { query: timeline, issues } = parseTimelineQuery(query);
        if (issues.length > 0) return problem(400, "Invalid request", issues);
        return json(200, timelinePage(simulator.journal, timeline, journal));
      }
      case "GET diverted-counts":
        return json(200, { webhooks: [...simulator.divertedCounts()].map(([name, diverted]) => ({ name, diverted })) });
      case "GET body": {
        const eventId = query.get("eventId");
        if (eventId === null || eventId === "") return problem(400, "Invalid request", [{ path: "query parameter eventId", rule: "required", message: "is required" }]);
        return json(200, { eventId, body: sent.get(eventId) ?? null });
      }
      case "POST check": {
        let candidate: unknown;
        try {
          candidate = decodeBody(request.body ?? new Uint8Array(), simulator.limits.maxBodyBytes, "SimulatorEvent");
        } catch (error) {
          if (error instanceof ContractValidationError) return problem(400, "Invalid request", error.issues);
          throw error;
        }
        return json(200, { issues: checkEvent(candidate) });
      }
      default:
        return problem(404, "No such console route");
    }
  }

  async function answer(request: SimulatorRequest, url: URL): Promise<SimulatorAnswer> {
    const rest = url.pathname.slice(CONSOLE_PATH.length);
    if (rest === "" || rest === "/") {
      if (request.method !== "GET" && request.method !== "HEAD") return problem(405, "Method not allowed", undefined, { allow: "GET, HEAD" });
      return { status: 200, headers: { ...HEADERS, "content-type": "text/html; charset=utf-8" }, body: request.method === "HEAD" ? "" : CONSOLE_HTML };
    }
    if (!rest.startsWith("/api/")) return problem(404, "No such console route");
    return api(request, `${request.method} ${rest.slice("/api/".length)}`, url.searchParams);
  }

  return {
    respond(request) {
      return isConsoleTarget(request.url) ? answer(request, new URL(request.url, "http://simulator.invalid")) : undefined;
    },
  };
}
