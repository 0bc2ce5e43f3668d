// The client against a server that misbehaves on purpose. For each fault and for a retryable
// (GET) and a never-retried (POST resend) call: the documented result or typed error, the number
// of attempts, and no trace of the token in any error or log line.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createWebhooksClient,
  WebhooksNetworkError,
  WebhooksResponseError,
  WebhooksTimeoutError,
} from "../../src/index.js";
import webhook from "./fixtures/webhook.json" with { type: "json" };
import { json, startTestServer, type Handler } from "./test-server.js";

const TOKEN = "fault-token-91ce";
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const logged: string[] = [];
beforeEach(() => {
  logged.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
});
afterEach(() => vi.restoreAllMocks());

// A short timeout only where the server stalls on purpose: elsewhere a busy machine must not turn
// a slow answer into a timeout.
const client = (timeoutMs: number) => createWebhooksClient({ baseUrl: server.url, token: TOKEN, timeoutMs, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 20 } });
const calls = {
  GET: (timeoutMs: number) => client(timeoutMs).GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } }),
  POST: (timeoutMs: number) => client(timeoutMs).POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "policy-events", transactionId: "tx-1" } } }),
};

type Outcome = { throws: new (...args: never[]) => Error } | { status: number; error?: unknown; data?: unknown };
interface Fault {
  fault: string;
  answer: Handler;
  timeoutMs?: number;
  GET: { attempts: number; outcome: Outcome };
  POST: { attempts: number; outcome: Outcome };
}

const html = "<html><body>Internal error</body></html>";
const faults: Fault[] = [
  {
    fault: "resets the connection",
    answer: (_request, response) => response.socket?.destroy(),
    GET: { attempts: 3, outcome: { throws: WebhooksNetworkError } },
    POST: { attempts: 1, outcome: { throws: WebhooksNetworkError } },
  },
  {
    fault: "stalls past the timeout",
    answer: () => undefined,
    timeoutMs: 200,
    GET: { attempts: 1, outcome: { throws: WebhooksTimeoutError } },
    POST: { attempts: 1, outcome: { throws: WebhooksTimeoutError } },
  },
  {
    fault: "answers 500 with an HTML body",
    answer: (_request, response) => response.writeHead(500, { "content-type": "text/html" }).end(html),
    GET: { attempts: 1, outcome: { status: 500, error: html } },
    POST: { attempts: 1, outcome: { status: 500, error: html } },
  },
  {
    fault: "answers 200 with invalid JSON under a JSON content type",
    answer: (_request, response) => response.writeHead(200, { "content-type": "application/json" }).end('{"name": "policy-'),
    GET: { attempts: 1, outcome: { throws: WebhooksResponseError } },
    POST: { attempts: 1, outcome: { throws: WebhooksResponseError } },
  },
  {
    fault: "answers 429 with Retry-After, then 200",
    answer: (_request, response, i) => (i === 0 ? json(response, 429, { message: "slow down" }, { "retry-after": "0" }) : json(response, 200, webhook)),
    GET: { attempts: 2, outcome: { status: 200, data: webhook } },
    POST: { attempts: 1, outcome: { status: 429, error: { message: "slow down" } } },
  },
  {
    fault: "answers 429 without Retry-After, then 200",
    answer: (_request, response, i) => (i === 0 ? json(response, 429, { message: "slow down" }) : json(response, 200, webhook)),
    GET: { attempts: 2, outcome: { status: 200, data: webhook } },
    POST: { attempts: 1, outcome: { status: 429, error: { message: "slow down" } } },
  },
  {
    fault: "answers 503, then 200",
    answer: (_request, response, i) => (i === 0 ? json(response, 503, { message: "unavailable" }) : json(response, 200, webhook)),
    GET: { attempts: 2, outcome: { status: 200, data: webhook } },
    POST: { attempts: 1, outcome: { status: 503, error: { message: "unavailable" } } },
  },
];

describe.each(faults)("when the server $fault", (fault) => {
  it.each(["GET", "POST"] as const)("%s gets the documented outcome, after the documented attempts", async (method) => {
    server.answer(fault.answer);
    const expected = fault[method];
    let thrown: unknown;
    let result: { data?: unknown; error?: unknown; response: Response } | undefined;
    try {
      result = await calls[method](fault.timeoutMs ?? 10_000);
    } catch (error) {
      thrown = error;
    }
    if ("throws" in expected.outcome) {
      expect(thrown).toBeInstanceOf(expected.outcome.throws);
      const error = thrown as Error & { cause?: unknown };
      expect([error.message, error.stack, String(error.cause), JSON.stringify(error)].join("\n")).not.toContain(TOKEN);
    } else {
      expect(thrown).toBeUndefined();
      const { status, ...body } = expected.outcome;
      expect(result?.response.status).toBe(status);
      expect({ data: result?.data, error: result?.error }).toEqual({ data: undefined, error: undefined, ...body });
    }
    expect(server.requests.filter((request) => request.method === method)).toHaveLength(expected.attempts);
    expect(server.requests.every((request) => request.headers.authorization === TOKEN)).toBe(true);
    expect(logged.join("\n")).not.toContain(TOKEN);
  });
});
