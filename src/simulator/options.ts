// createSimulator's options, checked once: each refusal names the option and the rule.
import { ContractValidationError, WebhooksOptionError } from "../errors.js";
import { resolveAssumptions, type Assumptions } from "./assumptions.js";
import { BadRequest, checkIntegration, checkName } from "./checks.js";
import { DEFAULT_LIMITS, type Integration, type SimulatorFetch, type SimulatorLimits, type SimulatorOptions, type SimulatorViolation } from "./types.js";

export interface ResolvedOptions {
  assumptions: Assumptions;
  limits: Readonly<SimulatorLimits>;
  /** The tokens accepted, or undefined for any non-empty one. */
  tokens: ReadonlySet<string> | undefined;
  onViolation: "throw" | ((violation: SimulatorViolation) => void);
  fetch: SimulatorFetch;
  integrations: ReadonlyMap<string, Integration>;
}

const refuse = (option: string, rule: string, detail: string) => new WebhooksOptionError("createSimulator", option, rule, detail);

/**
 * @throws WebhooksOptionError naming the option and the rule; AssumptionError for `assume`;
 *   ContractValidationError (schema `SimulatorOptions`) for a bad integration.
 */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const assumptions = resolveAssumptions(options.assume);
  const limits: SimulatorLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw refuse(`limits.${key.slice(0, 100)}`, "unknown", `unknown limit "${key.slice(0, 100)}"; known: ${Object.keys(DEFAULT_LIMITS).join(", ")}`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw refuse(`limits.${key}`, "minimum", `limit "${key}" must be a positive integer`);
    limits[key as keyof SimulatorLimits] = value;
  }
  if (options.tokens !== undefined && (!Array.isArray(options.tokens) || options.tokens.some((token) => typeof token !== "string" || token.trim() === ""))) {
    throw refuse("tokens", "type", "`tokens` must be an array of non-empty strings");
  }
  const onViolation = options.onContractViolation ?? "throw";
  if (onViolation !== "throw" && typeof onViolation !== "function") throw refuse("onContractViolation", "type", '`onContractViolation` must be "throw" or a function');
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw refuse("fetch", "type", "`fetch` must be a function");
  if (options.integrations !== undefined && (typeof options.integrations !== "object" || options.integrations === null || Array.isArray(options.integrations))) {
    throw refuse("integrations", "type", "`integrations` must be an object of names to URLs or { url, headers }");
  }
  const integrations = new Map<string, Integration>();
  for (const [name, value] of Object.entries(options.integrations ?? {})) {
    try {
      const checked = checkIntegration(typeof value === "string" ? { url: value } : value, `/integrations/${name}`);
      integrations.set(checkName(name, "/integrations"), { name, ...checked });
    } catch (error) {
      if (error instanceof BadRequest) throw new ContractValidationError("SimulatorOptions", error.issues);
      throw error;
    }
  }
  return {
    assumptions,
    limits: Object.freeze(limits),
    tokens: options.tokens === undefined ? undefined : new Set(options.tokens),
    onViolation,
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    integrations,
  };
}
