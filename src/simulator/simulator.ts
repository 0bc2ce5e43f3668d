// The simulator, put together: options (options.ts), the store with snapshot and restore
// (store.ts, state.ts), deliveries in stages (delivery.ts over attempts.ts and the pure
// decision.ts), the eight operations (operations.ts) and the /_simulator/ routes (control.ts),
// answered through one responder. A Fetch API handler (`handle`) over a server-neutral one
// (`respond`), so it runs in-process, under MSW, or behind node:http (server.ts).
import { ContractValidationError, SimulatorContractViolation, type ContractIssue } from "../errors.js";
import { depthIssue } from "../json-depth.js";
import { decodeBody, parse, type SchemaName } from "../validation.js";
import { createPoster } from "./attempts.js";
import { readAtMost } from "../rules/body.js";
import { BadRequest, issue, LOOP_HEADER } from "./checks.js";
import { controlRoutes, errorBody, json, matchControl, type ControlRoute } from "./control.js";
import { createDeliveries, prepareEvent } from "./delivery.js";
import { BoundedLog } from "./log.js";
import { createOperations } from "./operations.js";
import { resolveOptions } from "./options.js";
import { matchRoute } from "./routes.js";
import { SimulatorStore } from "./store.js";
import type { DeliveryAttempt, LoggedEvent, Simulator, SimulatorAnswer, SimulatorOptions, SimulatorRequest, SimulatorViolation } from "./types.js";
import { isJsonMediaType } from "../rules/media-type.js";

export * from "./types.js";
export { SimulatorContractViolation };


/**
 * A stateful, in-memory simulator of the platform's webhooks: the eight operations with state,
 * deliveries to your integrations, failure handling, alerts and resend.
 *
 * @example
 * const simulator = createSimulator({ integrations: { "my-service": "http://127.0.0.1:3000/events" } });
 * const client = createWebhooksClient({ baseUrl: "http://simulator.test", token: "t", fetch: (r) => simulator.handle(r) });
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const { assumptions, limits, tokens, onViolation, fetch, integrations } = resolveOptions(options);
  const store = new SimulatorStore(limits, assumptions, integrations);
  const journal = new BoundedLog<DeliveryAttempt>(limits.maxJournal);
  const eventLog = new BoundedLog<LoggedEvent>(limits.maxEvents);
  const violations = new BoundedLog<SimulatorViolation>(1_000);

  /** Validates what the simulator produced. A failure is a bug: thrown, or told and reported as false. */
  function produced(schema: SchemaName, value: unknown, where: string): boolean {
    try {
      parse(schema, value);
      return true;
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      const violation = { schema, where, issues: error.issues };
      violations.push(violation);
      if (onViolation === "throw") throw new SimulatorContractViolation(violation);
      onViolation(violation);
      return false;
    }
  }

  const deliveries = createDeliveries({ store, assumptions, post: createPoster(fetch, assumptions, limits), journal, eventLog, produced });
  const operations = createOperations(store, deliveries, assumptions, limits);
  const emit: Simulator["emit"] = (type, input = {}) => {
    try {
      return deliveries.raise(prepareEvent(type, input, store));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const restore: Simulator["restore"] = (state) => store.restore(state);
  const reset = () => {
    store.reset();
    journal.clear();
    eventLog.clear();
    violations.clear();
  };
  const control: readonly ControlRoute[] = controlRoutes({ store, assumptions, journal, eventLog, violations, emit, restore, reset });

  function errorAnswer(status: number, message: string, issues?: readonly ContractIssue[], headers?: Record<string, string>): SimulatorAnswer {
    const body = errorBody(message, issues);
    produced("ApiError", body, `${status} answer`);
    return json(status, body, headers);
  }

  function authorized(request: SimulatorRequest, simulatorOnly: boolean): boolean {
    const token = request.header("authorization");
    if (tokens !== undefined) return token !== null && tokens.has(token);
    return simulatorOnly || (token !== null && token.trim() !== "");
  }

  /** A body as JSON: the content type, the size, the encoding and the nesting checked where it enters. */
  function readJson(request: SimulatorRequest, schema: string): unknown {
    const type = request.header("content-type");
    if (type !== null && !isJsonMediaType(type)) throw new BadRequest(400, [issue("", "content-type", "must be application/json")], "Invalid request");
    if (request.body === null || request.body.byteLength === 0) throw new BadRequest(400, [issue("", "required", "a JSON body is required")], "Invalid request");
    const value = decodeBody(request.body, limits.maxBodyBytes, schema);
    const deep = depthIssue(value);
    if (deep !== undefined) throw new BadRequest(400, [deep], "Invalid request");
    return value;
  }

  async function operation(request: SimulatorRequest, url: URL): Promise<SimulatorAnswer> {
    const found = matchRoute(request.method, url.pathname);
    if (found.kind === "none") return errorAnswer(404, "No such operation");
    if (found.kind === "method") return errorAnswer(405, "Method not allowed", undefined, { allow: found.allow.join(", ") });
    if (!authorized(request, false)) return errorAnswer(401, "Unauthorized: send the token as the raw Authorization header");
    if (found.kind === "invalid") return errorAnswer(400, "Invalid request", found.issues);
    const { entry, params } = found;
    let body: unknown;
    if (entry.requestBody !== null) {
      const schema = entry.requestBody;
      try {
        body = parse(schema, readJson(request, schema));
      } catch (error) {
        if (error instanceof ContractValidationError) throw new BadRequest(400, [...error.issues], `The body is not a valid ${schema}`);
        throw error;
      }
    }
    const result = await operations[entry.operationId]!({ params, query: url.searchParams, body, entry });
    const status = entry.successStatuses[0]!;
    if (entry.responseBody === null) return { status, headers: {}, body: "" };
    if (!produced(entry.responseBody, result, `${entry.operationId} answer`)) return errorAnswer(500, "The simulator produced an answer that breaks the contract (a bug): see violations()");
    return json(status, result);
  }

  async function controlEndpoint(request: SimulatorRequest, url: URL): Promise<SimulatorAnswer> {
    if (!authorized(request, true)) return errorAnswer(401, "Unauthorized: send one of the simulator's tokens as the Authorization header");
    const found = matchControl(control, request.method, url.pathname.slice("/_simulator".length));
    if (found === undefined) return errorAnswer(404, "No such simulator endpoint: the endpoints are listed in docs/simulator.md");
    if (!("route" in found)) return errorAnswer(405, "Method not allowed", undefined, { allow: found.allow.join(", ") });
    return found.route.handle({ request, url, params: found.params, readJson: (schema) => readJson(request, schema) });
  }

  async function respond(request: SimulatorRequest): Promise<SimulatorAnswer> {
    // A delivery of a simulator is never a request to one: an integration points back here, and
    // serving it would loop for ever (a resend delivering to the resend endpoint).
    if (request.header(LOOP_HEADER) !== null) return errorAnswer(508, "Loop detected: this request is a delivery of the simulator (an integration's URL points at a simulator)");
    let url: URL;
    try {
      url = new URL(request.url, "http://simulator.invalid");
    } catch {
      return errorAnswer(400, "Invalid request target");
    }
    try {
      return url.pathname === "/_simulator" || url.pathname.startsWith("/_simulator/") ? await controlEndpoint(request, url) : await operation(request, url);
    } catch (error) {
      if (error instanceof BadRequest) return errorAnswer(error.status, error.message, error.issues);
      if (error instanceof ContractValidationError) return errorAnswer(400, "Invalid request", error.issues);
      throw error;
    }
  }

  return {
    respond,
    async handle(request) {
      const url = new URL(request.url);
      const answer = await respond({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        header: (name) => request.headers.get(name),
        body: await readAtMost(request.body, limits.maxBodyBytes, request.headers.get("content-length")),
      });
      return new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers: answer.headers });
    },
    emit,
    setIntegration(name, integration) {
      try {
        return store.setIntegration(name, integration);
      } catch (error) {
        if (error instanceof BadRequest) throw new ContractValidationError("Integration", error.issues);
        throw error;
      }
    },
    deliveries: () => journal.list(),
    journal: {
      get size() {
        return journal.size;
      },
      get newestSeq() {
        return journal.newest?.seq ?? 0;
      },
      get dropped() {
        return journal.dropped;
      },
      visitNewestFirst: (visit) => journal.visitNewestFirst(visit),
    },
    divertedCounts: () => store.divertedCounts(),
    events: () => eventLog.list(),
    violations: () => violations.list(),
    settled: () => deliveries.settled(),
    snapshot: () => store.snapshot(),
    restore,
    reset,
    assumptions,
    limits,
  };
}
