// socotra-webhooks-contract/simulator: a stateful local simulator of the platform's webhook
// lifecycle (register, deliver, fail, divert, suspend, alert, resend), in-process or on a port.
export {
  createSimulator,
  DEFAULT_LIMITS,
  SimulatorContractViolation,
  type ContractViolation,
  type RestoreReport,
  type SimulatorFetch,
  type SimulatorViolation,
  type DeliveryAttempt,
  type EmitInput,
  type EmitResult,
  type Integration,
  type LoggedEvent,
  type Outcome,
  type Simulator,
  type SimulatorAnswer,
  type SimulatorLimits,
  type SimulatorOptions,
  type SimulatorRequest,
  type SimulatorState,
} from "./simulator.js";
export { startSimulator, type RunningSimulator, type StartSimulatorOptions } from "./server.js";
export { SimulatorServerError } from "../errors.js";
export {
  ASSUMPTIONS,
  AssumptionError,
  assumptionsMarkdown,
  assumptionsText,
  parseAssumption,
  resolveAssumptions,
  type AssumptionKey,
  type AssumptionOverrides,
  type Assumptions,
} from "./assumptions.js";
