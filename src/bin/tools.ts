// Starts a tool of `socotra-webhooks` (mock, sim, send, verify: src/cli/tools.ts) in this process.
// The old bins (socotra-webhooks-mock...) are aliases of them for one release.
import { refusedToken } from "../cli/run.js";
import type { ToolName } from "../cli/tools.js";

/**
 * Runs `tool` in this process with the arguments after its name: the tool reads process.argv
 * (after the program name) as its own flags.
 */
export async function runTool(tool: ToolName, args: readonly string[]): Promise<void> {
  // One token policy: a token is never taken on the command line (sim's --token names the tokens
  // the local simulator accepts, not a credential of the platform).
  const refusal = tool === "sim" ? undefined : refusedToken(args);
  if (refusal !== undefined) {
    process.stderr.write(refusal);
    process.exit(2);
  }
  process.argv.splice(2, process.argv.length - 2, ...args);
  await TOOL_MODULES[tool]();
}

// Spelled out, not `./commands/${tool}.js`: a bundler, the package's file checks and a reader
// can all follow each import.
const TOOL_MODULES: Readonly<Record<ToolName, () => Promise<unknown>>> = {
  mock: () => import("./commands/mock.js"),
  sim: () => import("./commands/sim.js"),
  send: () => import("./commands/send.js"),
  verify: () => import("./commands/verify.js"),
};

/** An old bin name: one line on stderr saying what to type instead, then the tool. */
export async function runAlias(tool: ToolName): Promise<void> {
  process.stderr.write(`socotra-webhooks-${tool} is deprecated and will be removed in the next release: use \`socotra-webhooks ${tool}\`\n`);
  await runTool(tool, process.argv.slice(2));
}
