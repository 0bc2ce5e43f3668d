// The tools of `socotra-webhooks` that run as a process of their own (a server until Ctrl-C, or a
// run that prints as it goes), started by the bin (src/bin/tools.ts) before the command tree.

/** Each tool, with the line `socotra-webhooks --help` shows for it. */
export const TOOLS = Object.freeze({
  mock: "serve a Prism mock of the Webhooks API contract (until Ctrl-C)",
  sim: "run the stateful webhook lifecycle simulator (until Ctrl-C)",
  send: "POST contract-valid sample deliveries to a receiver under development",
  verify: "check a real deployment against the contract, read-only",
} as const);
export type ToolName = keyof typeof TOOLS;

export const isTool = (name: unknown): name is ToolName => typeof name === "string" && Object.hasOwn(TOOLS, name);
