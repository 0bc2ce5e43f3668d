// Options several commands share, and the table layout of human output.
import { type Command, InvalidArgumentError, Option } from "commander";
import { printable } from "./context.js";

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

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Rows padded to the widest cell of each column; every cell shown printable. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(printable));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  return cells.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ")).join("\n") + "\n";
}
