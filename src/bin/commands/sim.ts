#!/usr/bin/env node
// socotra-webhooks sim: the webhook lifecycle simulator on a port, with its assumptions printed.
import { parseCommandLine, stopWithParent } from "../cli.js";
import { complain, fail, say } from "../../cli/output.js";
import { AssumptionError, assumptionsText, parseAssumption, startSimulator, type AssumptionOverrides } from "../../simulator/index.js";
import { ContractValidationError, WebhooksOptionError } from "../../errors.js";
import { parsePort, PORT_FLAG_RULE } from "../../rules/limits.js";

const usage = `Usage: socotra-webhooks sim [--port 4020] [--host 127.0.0.1] [--integration NAME=URL ...] [--assume KEY=VALUE ...] [--token T ...]

A stateful local simulator of the platform's Webhooks API: the eight operations with state, and
deliveries of the events you raise (POST /_simulator/events) to your integrations, with retries,
divert, suspend, alerts and resend.
  --port N               port to listen on (default 4020; 0 picks a free one)
  --host H               interface to listen on (default 127.0.0.1)
  --integration NAME=URL an integration deliveries can go to (repeatable; more with PUT /_simulator/integrations/NAME)
  --assume KEY=VALUE     override an undocumented behaviour (repeatable; the table is printed at start)
  --token T              accept only this Authorization token (repeatable; default: any non-empty one)`;

const values = parseCommandLine(usage, {
  port: { type: "string", default: "4020" },
  host: { type: "string", default: "127.0.0.1" },
  integration: { type: "string", multiple: true },
  assume: { type: "string", multiple: true },
  token: { type: "string", multiple: true },
});

const port = parsePort(values.port) ?? fail(usage, `--port ${PORT_FLAG_RULE}`);
const assume: Record<string, unknown> = Object.create(null);
try {
  for (const text of values.assume ?? []) {
    const [key, value] = parseAssumption(text);
    assume[key] = value;
  }
} catch (error) {
  if (error instanceof AssumptionError) fail(usage, error.message);
  throw error;
}
const integrations: Record<string, string> = Object.create(null);
for (const text of values.integration ?? []) {
  const equals = text.indexOf("=");
  if (equals < 1) fail(usage, "--integration must look like NAME=URL (a name, then =, then the integration's URL)");
  integrations[text.slice(0, equals)] = text.slice(equals + 1);
}
const tokens = values.token;
/** Text inside a single-quoted shell word: each ' closes the word, adds an escaped quote, and reopens it. */
const shellQuoted = (text: string) => text.replaceAll("'", `'\\''`);
if (tokens?.some((token) => token.trim() === "")) fail(usage, "--token must not be empty");
if (tokens?.some((token) => /[\u0000-\u001f\u007f]/.test(token))) fail(usage, "--token must not hold control characters (CR, LF, NUL...): no header can carry them");

try {
  const running = await startSimulator({
    port,
    host: values.host,
    integrations,
    assume: assume as AssumptionOverrides,
    ...(tokens && { tokens }),
    onContractViolation: (violation) => complain(`simulator bug: a ${violation.schema} it produced breaks the contract (${violation.where}): ${violation.issues.map((i) => `${i.path || "(root)"} ${i.message}`).join("; ")}`),
  });
  // Never echo a configured token: the curl lines name the variable to hold it.
  const token = tokens === undefined ? "any-token" : "$SOCOTRA_TOKEN";
  const headers = `-H "Authorization: ${token}" -H "Content-Type: application/json"`;
  // The webhook delivers to the first --integration given; without one, a my-service at :3000 is registered first.
  const given = Object.keys(integrations)[0];
  const integrationName = given ?? "my-service";
  const register = given === undefined ? [`  curl -X PUT ${headers} -d '{"url":"http://127.0.0.1:3000/events"}' ${running.url}/_simulator/integrations/my-service`] : [];
  const webhook = JSON.stringify({ name: "policy-events", integrationName, events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } });
  say(`Webhooks simulator  ${running.url}
Console             ${running.consoleUrl}   (open it in a browser)

Assumptions (none is documented by the platform; override with --assume KEY=VALUE):
${assumptionsText(running.simulator.assumptions)}

Try:
${[
  ...register,
  `  curl -X PUT ${headers} -d '${shellQuoted(webhook)}' ${running.url}/webhooks`,
  `  curl -X POST ${headers} -d '{"type":"policy.issue","data":{"policyLocator":"100000001"}}' ${running.url}/_simulator/events`,
].join("\n")}

Ctrl-C stops it.`);
  stopWithParent(running.stop);
} catch (error) {
  if (error instanceof ContractValidationError || error instanceof WebhooksOptionError) fail(usage, error.message);
  // A listen error quotes --host as given: complain shows it escaped.
  complain(`socotra-webhooks sim: ${(error as Error).message}`);
  process.exitCode = 1;
}
