// Webhook definitions as code: YAML or JSON files, each holding one WebhookRequest, a list of them,
// or several YAML documents. Every definition is validated against the contract; every error names
// the file, the webhook and the field, and nothing is applied while any file is wrong.
import { SCHEMA_FIELDS } from "../../generated/operations.js";
import type { WebhookRequest } from "../../generated/schema.js";
import { ContractValidationError } from "../errors.js";
import { CliError, type Context, printable, readFileBounded } from "./context.js";
import { pathParameterProblem } from "./options.js";

export interface Definition {
  file: string;
  webhook: WebhookRequest;
}

// Loaded when a command reads definitions, so that the other commands start faster.
const loadParsers = () => Promise.all([import("yaml"), import("../validation.js")]);

async function readBounded(path: string, maxBytes: number): Promise<string> {
  const bytes = await readFileBounded(path, maxBytes);
  if (bytes === undefined) throw new Error(`is larger than ${maxBytes} bytes`);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** Where in the file, never the file's text: a definition may sit beside secrets. */
const yamlProblem = (error: { message: string; code: string }) => `${error.message.split(":\n")[0]} (${error.code})`;

function label(value: unknown, index: number, count: number): string {
  const name = value !== null && typeof value === "object" && Object.hasOwn(value, "name") ? (value as { name: unknown }).name : undefined;
  if (typeof name === "string" && name !== "") return `webhook ${printable(name.slice(0, 200))}`;
  return count > 1 ? `definition #${index + 1} (no name)` : "the definition (no name)";
}

/** Fields a webhook as read has and a request may not carry (`suspended`...), from the spec. */
const READ_ONLY_FIELDS = new Set(Object.keys(SCHEMA_FIELDS.WebhookResponse ?? {}).filter((field) => !Object.hasOwn(SCHEMA_FIELDS.WebhookRequest ?? {}, field)));
const readOnlyHint = (path: string) =>
  READ_ONLY_FIELDS.has(path.slice(1)) ? "; the platform adds this field, a definition may not set it (`socotra-webhooks get NAME --definition` prints a webhook without them)" : "";

export async function loadDefinitions(ctx: Context, files: readonly string[]): Promise<Definition[]> {
  const [{ parseAllDocuments }, { DEFAULT_MAX_BYTES, parse }] = await loadParsers();
  const errors: string[] = [];
  const definitions: Definition[] = [];
  for (const file of files) {
    const shown = printable(file);
    let text: string;
    try {
      text = await readBounded(ctx.path(file), DEFAULT_MAX_BYTES);
    } catch (error) {
      errors.push(`${shown}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error instanceof TypeError ? "not UTF-8 text" : (error as Error).message)}`);
      continue;
    }
    const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
    const values: unknown[] = [];
    for (const document of documents) {
      const problems = [...document.errors, ...document.warnings];
      if (problems.length > 0) {
        errors.push(...problems.map((problem) => `${shown}: not valid YAML or JSON: ${yamlProblem(problem)}`));
        continue;
      }
      let value: unknown;
      try {
        value = document.toJS({ maxAliasCount: 100 });
      } catch (error) {
        errors.push(`${shown}: ${(error as Error).message.split(":\n")[0]}`);
        continue;
      }
      if (value === null || value === undefined) continue;
      values.push(...(Array.isArray(value) ? value : [value]));
    }
    if (values.length === 0 && !errors.some((error) => error.startsWith(`${shown}:`))) errors.push(`${shown}: holds no webhook definition`);
    values.forEach((value, index) => {
      const where = `${shown}: ${label(value, index, values.length)}`;
      try {
        const webhook = parse("WebhookRequest", value);
        const problem = pathParameterProblem("getWebhook", "name", webhook.name);
        if (problem !== undefined) errors.push(`${where}: field /name ${problem}`);
        else definitions.push({ file, webhook });
      } catch (error) {
        if (!(error instanceof ContractValidationError)) throw error;
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          errors.push(`${where}: must be a webhook definition (an object with at least a name), or a list of them`);
          return;
        }
        errors.push(...error.issues.map((issue) => `${where}: field ${issue.path || "(root)"} ${issue.message} (rule: ${issue.rule})${readOnlyHint(issue.path)}`));
      }
    });
  }
  const seen = new Map<string, string>();
  for (const { file, webhook } of definitions) {
    const earlier = seen.get(webhook.name);
    if (earlier !== undefined) errors.push(`${printable(file)}: webhook ${printable(webhook.name)}: also defined in ${printable(earlier)}; define each webhook once`);
    seen.set(webhook.name, file);
  }
  if (errors.length > 0) throw new CliError(`${errors.length} problem(s) in the definition files; nothing was changed:\n${errors.map((error) => `  ${error}`).join("\n")}`, 2);
  return definitions;
}
