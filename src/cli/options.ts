// Options several commands share, and the table layout of human output.
import { type Command, InvalidArgumentError, Option } from "commander";
import { checkString, findOperation, operationById } from "../client/operations.js";
import { WebhooksRequestError } from "../errors.js";
import { cell, printable, usageError } from "./context.js";

/** --base-url, --token-file, --timeout and --json, on every command that calls the API. */
export function withConnection(command: Command): Command {
  return command
    .addOption(new Option("--base-url <url>", "the platform's base URL (default: SOCOTRA_BASE_URL, else the sandbox)"))
    .addOption(new Option("--token-file <path>", "read the token from this file (default: the SOCOTRA_TOKEN environment variable)"))
    .addOption(new Option("--timeout <seconds>", "give up on a request after this long").argParser(positiveNumber("--timeout", 3600)))
    .addOption(new Option("--json", "machine output: JSON on stdout"));
}

/** Adds the "Example" section every command's --help shows. */
export function example(command: Command, ...lines: string[]): Command {
  return command.addHelpText("after", `\nExample:\n${lines.map((line) => `  ${line}`).join("\n")}`);
}

export function positiveInteger(option: string, max: number) {
  return (value: string) => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) throw new InvalidArgumentError(`${option} takes a whole number from 1 to ${max}`);
    return Number(value);
  };
}

export function positiveNumber(option: string, max: number) {
  return (value: string) => {
    const number = /^\d{1,9}(?:\.\d{1,6})?$/.test(value) ? Number(value) : Number.NaN;
    if (!(number > 0 && number <= max)) throw new InvalidArgumentError(`${option} takes a number above 0 and at most ${max}`);
    return number;
  };
}

/** `--rate 20` or `--rate 20/s`: requests started per second. */
export function rate(value: string): number {
  return positiveNumber("--rate", 10_000)(value.replace(/\/s$/, ""));
}

/** A repeatable option; `--type claim.*,policy.issue` counts as two (event types hold no comma). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((part) => part.trim()).filter((part) => part !== "")];
}

/** Rows padded to the widest cell of each column; every cell shown printable, a missing one as "-". */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header.map((title) => printable(title)), ...rows.map((row) => row.map((value) => cell(value)))];
  // A reduce, not Math.max(...cells): a spread of 130,000 rows overflows the stack.
  const widths = header.map((_, column) => cells.reduce((widest, row) => Math.max(widest, (row[column] ?? "").length), 0));
  return cells.map((row) => row.map((text, column) => (column === row.length - 1 ? text : text.padEnd(widths[column]!))).join("  ")).join("\n") + "\n";
}

/**
 * Why `value` cannot be the path parameter `parameter` of `operationId`, as the detail and the rule
 * (`must be at least 1 character(s) long (rule: minLength)`), or undefined. The client's own check
 * (the spec's bounds, well-formed Unicode, no dot segment that the URL parser would remove), so
 * that the CLI refuses up front exactly what the client would refuse.
 */
export function pathParameterProblem(operationId: string, parameter: string, value: unknown): string | undefined {
  const entry = operationById(operationId);
  const operation = findOperation(entry.method, entry.path);
  const check = operation?.pathChecks.find((candidate) => candidate.rule.name === parameter);
  if (check === undefined) throw new Error(`the spec has no path parameter ${parameter} in ${operationId}`);
  try {
    checkString(operation, check, value);
    return undefined;
  } catch (error) {
    if (!(error instanceof WebhooksRequestError)) throw error;
    return `${error.detail} (rule: ${error.rule})`;
  }
}

/** A command-line argument for a path parameter, checked before any request. */
export function checkPathArgument(operationId: string, parameter: string, value: string, shown = parameter): string {
  const problem = pathParameterProblem(operationId, parameter, value);
  if (problem !== undefined) throw usageError(`${shown} ${problem}`);
  return value;
}
