// startSimulator: the simulator's handler behind node:http on a port, for a receiver or a tool
// in another process (curl, the typed client, a language other than JavaScript).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SimulatorServerError, WebhooksOptionError } from "../errors.js";
import { readAtMost } from "../rules/body.js";
import { createSimulator, type Simulator, type SimulatorOptions, type SimulatorRequest } from "./simulator.js";
import { foreignRequest, isLoopback } from "./console/host.js";
import { CONSOLE_PATH, createConsoleRoutes, isConsoleTarget } from "./console/routes.js";
import { SentBodies } from "./console/sent-bodies.js";
import { isPort, PORT_RULE } from "../rules/limits.js";

export interface StartSimulatorOptions extends SimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
}

export interface RunningSimulator {
  /** The base URL, e.g. `http://127.0.0.1:4020`. */
  url: string;
  /** The console's page, `${url}/_simulator/ui`. */
  consoleUrl: string;
  simulator: Simulator;
  /** Stops listening and closes every connection. Deliveries in flight end on their own timeouts. */
  stop(): Promise<void>;
}

/** On every answer: the simulator's answers are live state, never to be cached or sniffed as something else. */
const SAFE_HEADERS = Object.freeze({ "cache-control": "no-store", "x-content-type-options": "nosniff" });
const FAILED = JSON.stringify({ message: "The simulator failed to handle the request (see violations())" });

/**
 * Serves a simulator over node:http.
 *
 * @example
 * const { url, stop, simulator } = await startSimulator({ port: 4020, integrations: { "my-service": "http://127.0.0.1:3000" } });
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = 0, host = "127.0.0.1", ...simulatorOptions } = options;
  if (!isPort(port)) throw new WebhooksOptionError("startSimulator", "port", "range", `\`port\` ${PORT_RULE}`);
  const sent = new SentBodies();
  const simulator = createSimulator({ ...simulatorOptions, fetch: sent.tap(simulatorOptions.fetch) });
  const ui = createConsoleRoutes(simulator, sent);
  const server = createServer({ requestTimeout: 120_000, headersTimeout: 30_000 }, (request, response) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    };
    const target = request.url ?? "/";
    const listening = server.address() as AddressInfo;
    // Host is checked on every route when only this machine can reach the simulator (no name but
    // its address or localhost is legitimate then), and on the console's everywhere.
    const foreign = foreignRequest({ target, host: header("host"), origin: header("origin") }, listening, isLoopback(listening.address) || isConsoleTarget(target));
    if (foreign !== undefined) {
      response.writeHead(foreign.status, { "content-type": "application/json", ...SAFE_HEADERS, connection: "close" }).end(JSON.stringify({ message: foreign.message }));
      return;
    }
    readAtMost(request, simulator.limits.maxBodyBytes, request.headers["content-length"] ?? null)
      .then((body) => {
        const simulated: SimulatorRequest = { method: request.method ?? "GET", url: target, header, body };
        return ui.respond(simulated) ?? simulator.respond(simulated);
      })
      .then(
        (answer) => {
          // A refused oversized body is not read to its end: close rather than drain it.
          if (!request.readableEnded) response.setHeader("connection", "close");
          response.writeHead(answer.status, { ...SAFE_HEADERS, ...answer.headers }).end(answer.body);
        },
        () => {
          if (!response.headersSent) response.writeHead(500, { "content-type": "application/json", ...SAFE_HEADERS, connection: "close" }).end(FAILED);
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new SimulatorServerError(port, host) : error),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    consoleUrl: `http://${shownHost}:${address.port}${CONSOLE_PATH}`,
    simulator,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
