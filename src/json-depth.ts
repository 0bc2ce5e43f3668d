// The nesting rule for JSON data that enters the package from outside: a value nested deeper than
// MAX_JSON_DEPTH is refused where it enters, before anything recursive (JSON.stringify,
// structuredClone, a validator) meets it and throws RangeError far from the cause. Realistic
// event data nests a handful of levels; structuredClone gives up near 2,000, JSON.stringify near 5,000.
import type { ContractIssue } from "./errors.js";
import { escapePointer } from "./validation.js";

/** The deepest nesting of objects and arrays accepted in one field of a body (rule `maxDepth`). */
export const MAX_JSON_DEPTH = 100;

/**
 * Checks the nesting of each field of `value` (an object's properties, an array's items), without
 * recursion. @returns the issue naming the first field too deep (`${path}/data`), or undefined.
 */
export function depthIssue(value: unknown, path = "", max = MAX_JSON_DEPTH): ContractIssue | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, field] of Object.entries(value)) {
    // Depth-first over containers only; each entry is a container and its depth (1 for the field itself).
    const stack: [object, number][] = typeof field === "object" && field !== null ? [[field, 1]] : [];
    while (stack.length > 0) {
      const [container, depth] = stack.pop()!;
      if (depth > max) return { path: `${path}/${escapePointer(key)}`, rule: "maxDepth", message: `nests objects and arrays deeper than ${max} levels` };
      for (const child of Object.values(container)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
