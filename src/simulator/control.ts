// The simulator's own endpoints under /_simulator/, for what the platform does elsewhere
// (integrations) or not at all (raising events, the journal, the state): a table, like the
// operations. Adding one is one entry: { method, path, handle }.
import type { WebhookEventType } from "../../generated/schema.js";
import type { ContractIssue } from "../errors.js";
import type { Assumptions } from "./assumptions.js";
import { BadRequest, checkName, issue, MAX_NAME } from "./checks.js";
import type { BoundedLog } from "./log.js";
import { readInteger } from "./routes.js";
import type { SimulatorStore } from "./store.js";
import type { DeliveryAttempt, EmitInput, EmitResult, LoggedEvent, RestoreReport, SimulatorAnswer, SimulatorRequest, SimulatorState, SimulatorViolation } from "./types.js";

/** What a control route gets: the request, its URL, its path parameters, and the simulator's parts. */
export interface ControlCall {
  request: SimulatorRequest;
  url: URL;
  params: Record<string, string>;
  /** The body as JSON, checked for size, encoding and nesting; `schema` labels its errors. */
  readJson(schema: string): unknown;
}

export interface ControlRoute {
  method: string;
  /** Under /_simulator, e.g. `/integrations/{name}`; a `{param}` matches one percent-encoded segment. */
  path: string;
  handle(call: ControlCall): SimulatorAnswer | Promise<SimulatorAnswer>;
}

export interface ControlContext {
  store: SimulatorStore;
  assumptions: Assumptions;
  journal: BoundedLog<DeliveryAttempt>;
  eventLog: BoundedLog<LoggedEvent>;
  violations: BoundedLog<SimulatorViolation>;
  emit(type: WebhookEventType, input: EmitInput): Promise<EmitResult>;
  restore(state: SimulatorState): RestoreReport;
  reset(): void;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): SimulatorAnswer => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(value),
});
/** The platform's error body (ApiError): the message, and the issues when there are any. */
export const errorBody = (message: string, issues?: readonly ContractIssue[]) => (issues && issues.length > 0 ? { message, issues } : { message });
const ok = (): SimulatorAnswer => ({ status: 200, headers: {}, body: "" });

function page(query: URLSearchParams): { offset: number; limit: number } {
  const issues: ContractIssue[] = [];
  const offset = readInteger({ name: "offset", in: "query", required: false, minimum: 0, maximum: 2_147_483_647 }, query, issues) ?? 0;
  const limit = readInteger({ name: "limit", in: "query", required: false, minimum: 1, maximum: 10_000 }, query, issues) ?? 1_000;
  if (issues.length > 0) throw new BadRequest(400, issues, "Invalid request");
  return { offset, limit };
}

export function controlRoutes({ store, assumptions, journal, eventLog, violations, emit, restore, reset }: ControlContext): ControlRoute[] {
  return [
    { method: "GET", path: "/assumptions", handle: () => json(200, assumptions) },
    { method: "GET", path: "/integrations", handle: () => json(200, { integrations: [...store.integrations.values()] }) },
    {
      method: "GET",
      path: "/integrations/{name}",
      handle: ({ params }) => {
        const found = store.integrations.get(params.name!);
        return found === undefined ? notFound("Integration not found") : json(200, found);
      },
    },
    { method: "PUT", path: "/integrations/{name}", handle: ({ params, readJson }) => json(200, store.setIntegration(params.name!, readJson("Integration"))) },
    {
      method: "DELETE",
      path: "/integrations/{name}",
      handle: ({ params }) => {
        const name = params.name!;
        if (!store.integrations.has(name)) return notFound("Integration not found");
        // Under unknownIntegration=reject every webhook names a known integration (restore checks it): keep it so.
        const user = assumptions.unknownIntegration === "reject" ? store.integrationUser(name) : undefined;
        if (user !== undefined) {
          throw new BadRequest(409, [issue("path parameter name", "inUse", `is the integration of webhook ${JSON.stringify(user.name.slice(0, 100))}: delete or change that webhook first (assumption unknownIntegration=reject)`)], "Integration in use");
        }
        store.integrations.delete(name);
        return ok();
      },
    },
    {
      method: "POST",
      path: "/events",
      handle: async ({ readJson }) => {
        const body = readJson("SimulatorEvent");
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequest(400, [issue("", "type", "must be an object")], "Invalid request");
        const { type, ...input } = body as Record<string, unknown>;
        return json(200, await emit(type as WebhookEventType, input as EmitInput));
      },
    },
    {
      method: "GET",
      path: "/events",
      handle: ({ url }) => {
        const { offset, limit } = page(url.searchParams);
        return json(200, { events: eventLog.list(offset, limit), total: eventLog.size, dropped: eventLog.dropped });
      },
    },
    {
      method: "GET",
      path: "/deliveries",
      handle: ({ url }) => {
        const { offset, limit } = page(url.searchParams);
        return json(200, { deliveries: journal.list(offset, limit), total: journal.size, dropped: journal.dropped });
      },
    },
    { method: "GET", path: "/violations", handle: () => json(200, { violations: violations.list() }) },
    { method: "GET", path: "/state", handle: () => json(200, store.snapshot()) },
    // The state restored, as GET answers it, with the deviations restore() reported (event types the contract does not list).
    {
      method: "PUT",
      path: "/state",
      handle: ({ readJson }) => {
        const { deviations } = restore(readJson("SimulatorState") as SimulatorState);
        return json(200, { ...store.snapshot(), deviations });
      },
    },
    { method: "POST", path: "/reset", handle: () => (reset(), ok()) },
  ];
}

/** Finds the route of `method` and `path` (under /_simulator) and decodes its parameters. */
export function matchControl(routes: readonly ControlRoute[], method: string, path: string): { route: ControlRoute; params: Record<string, string> } | { allow: string[] } | undefined {
  const parts = path.split("/");
  const allow: string[] = [];
  for (const route of routes) {
    const segments = route.path.split("/");
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = Object.create(null);
    const matches = segments.every((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name === undefined) return segment === parts[i];
      params[name] = decodeSegment(parts[i]!, name);
      return true;
    });
    if (!matches) continue;
    if (route.method === method) return { route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { allow } : undefined;
}

function decodeSegment(segment: string, name: string): string {
  try {
    return checkName(decodeURIComponent(segment), `path parameter ${name}`);
  } catch {
    throw new BadRequest(400, [issue(`path parameter ${name}`, "format", `must be 1 to ${MAX_NAME} characters, percent-encoded`)], "Invalid request");
  }
}

const notFound = (message: string): never => {
  throw new BadRequest(404, [], message);
};
