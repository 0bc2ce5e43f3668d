// Routing from the spec's operations table: each path template becomes a matcher, so the simulator
// serves exactly the operations generated/operations.js lists.
import { OPERATIONS, type OperationEntry, type OperationParameter } from "../../generated/operations.js";
import type { ContractIssue } from "../errors.js";

export type OperationId = OperationEntry["operationId"];

interface Route {
  readonly entry: OperationEntry;
  /** Literal segments, or the parameter a segment holds. */
  readonly segments: readonly (string | OperationParameter)[];
}

const routes: readonly Route[] = OPERATIONS.map((entry) => ({
  entry,
  segments: entry.path
    .split("/")
    .slice(1)
    .map((segment) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name === undefined) return segment;
      const parameter = entry.pathParameters.find((p) => p.name === name);
      if (parameter === undefined) throw new Error(`operations table: ${entry.path} has no rule for {${name}}`);
      return parameter;
    }),
}));

export type RouteMatch =
  | { kind: "operation"; entry: OperationEntry; params: Record<string, string> }
  | { kind: "invalid"; issues: ContractIssue[] }
  | { kind: "method"; allow: string[] }
  | { kind: "none" };

function checkString(parameter: OperationParameter, value: string, where: string): ContractIssue | undefined {
  if (parameter.minLength !== undefined && value.length < parameter.minLength) return { path: where, rule: "minLength", message: `must have at least ${parameter.minLength} character(s)` };
  if (parameter.maxLength !== undefined && value.length > parameter.maxLength) return { path: where, rule: "maxLength", message: `must have at most ${parameter.maxLength} characters` };
  if (parameter.pattern !== undefined && !new RegExp(parameter.pattern, "u").test(value)) return { path: where, rule: "pattern", message: `must match ${parameter.pattern}` };
  return undefined;
}

/** Finds the operation of `method` and `pathname` and decodes and checks its path parameters. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const parts = pathname.split("/").slice(1);
  const allow: string[] = [];
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    if (!route.segments.every((segment, i) => typeof segment !== "string" || segment === parts[i])) continue;
    if (route.entry.method !== method) {
      allow.push(route.entry.method);
      continue;
    }
    const params: Record<string, string> = Object.create(null);
    const issues: ContractIssue[] = [];
    route.segments.forEach((segment, i) => {
      if (typeof segment === "string") return;
      const where = `path parameter ${segment.name}`;
      let value: string;
      try {
        value = decodeURIComponent(parts[i]!);
      } catch {
        issues.push({ path: where, rule: "encoding", message: "is not valid percent-encoding" });
        return;
      }
      const issue = checkString(segment, value, where);
      if (issue) issues.push(issue);
      params[segment.name] = value;
    });
    return issues.length > 0 ? { kind: "invalid", issues } : { kind: "operation", entry: route.entry, params };
  }
  return allow.length > 0 ? { kind: "method", allow } : { kind: "none" };
}

/** Reads an integer query parameter under the rules the table gives it. */
export function readInteger(parameter: OperationParameter, query: URLSearchParams, issues: ContractIssue[]): number | undefined {
  const values = query.getAll(parameter.name);
  const where = `query parameter ${parameter.name}`;
  if (values.length === 0) {
    if (parameter.required) issues.push({ path: where, rule: "required", message: "is required" });
    return undefined;
  }
  if (values.length > 1) {
    issues.push({ path: where, rule: "single", message: "must be given once" });
    return undefined;
  }
  const text = values[0]!;
  const number = /^-?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(number)) issues.push({ path: where, rule: "type", message: "must be an integer" });
  else if (parameter.minimum !== undefined && number < parameter.minimum) issues.push({ path: where, rule: "minimum", message: `must be >= ${parameter.minimum}` });
  else if (parameter.maximum !== undefined && number > parameter.maximum) issues.push({ path: where, rule: "maximum", message: `must be <= ${parameter.maximum}` });
  else return number;
  return undefined;
}
