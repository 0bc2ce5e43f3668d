#!/usr/bin/env node
// socotra-webhooks verify: checks a real deployment against the contract, read-only.
import { parseCommandLine } from "../cli.js";
import { complain, exitStatusHelp, fail, say } from "../../cli/output.js";
import { verifyDeployment } from "../../verify.js";
import { printable } from "../../cli/text.js";
import { CliError, Context } from "../../cli/context.js";
import { checkHttpUrl } from "../../rules/url.js";

const usage = `Usage: socotra-webhooks verify --upstream URL [--token-file PATH] [--name NAME ...]

Calls every read-only operation of the Webhooks API through Prism's validating proxy and reports
each request or response that breaks the contract.
  --upstream URL     the deployment, e.g. https://api.sandbox.socotra.com
  --token-file PATH  a file holding the Account API token (default: $SOCOTRA_TOKEN); never printed
  --name NAME        a webhook to check (repeatable; default: the first five listed)
The token is never taken on the command line, where shell history and ps would keep it.

${exitStatusHelp({ done: "every call kept the contract", failed: "a call broke it, or the upstream is unreachable or redirects, refuses the token (401, 403), fails (5xx), or no call succeeds", interruptible: false }).trimEnd()}`;

const values = parseCommandLine(usage, {
  upstream: { type: "string" },
  "token-file": { type: "string" },
  name: { type: "string", multiple: true },
});
const upstream = checkHttpUrl(values.upstream);
if (upstream.url === undefined) fail(usage, `--upstream must be an http(s) URL, ${upstream.problem}`);
let token: string;
try {
  token = await new Context({}).token(values["token-file"]);
} catch (error) {
  fail(usage, error instanceof CliError ? error.message : String(error));
}

try {
  const { calls, failures } = await verifyDeployment({ upstream: values.upstream!, token, ...(values.name && { names: values.name }) });
  for (const call of calls) {
    const good = call.violations.length === 0 && call.problem === undefined && call.status !== null && call.status < 300;
    // Paths, problems and violations quote the upstream's data: shown with control characters escaped.
    say(`${good ? "✓" : "✗"} ${call.operationId} ${call.method} ${printable(call.path)} → ${call.status ?? "no answer"}`);
    if (call.problem) say(`    ${printable(call.problem)}`);
    for (const violation of call.violations) say(`    ${printable(violation.location)}: ${printable(violation.message)}`);
    for (const deviation of call.deviations) {
      say(`    ~ response.body${printable(deviation.path.replaceAll("/", "."))}: event type ${printable(deviation.eventType)} is not listed by the contract (reported, not a failure)`);
    }
  }
  const broken = calls.filter((call) => call.violations.length > 0).length;
  const deviations = calls.reduce((sum, call) => sum + call.deviations.length, 0);
  say(`\n${calls.length} call(s), ${broken} breaking the contract${deviations > 0 ? `, ${deviations} value(s) the contract does not list yet (reported)` : ""}`);
  for (const failure of failures) complain(`verify: FAILED: ${printable(failure)}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
} catch (error) {
  complain(`verify: ${printable((error as Error).message)}`);
  process.exitCode = 1;
}
