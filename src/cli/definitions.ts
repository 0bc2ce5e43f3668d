// Webhook definitions as code: YAML or JSON files, each holding one WebhookRequest, a list of them,
// or several YAML documents. Every definition is validated against the contract; every error names
// the file, the webhook and the field, and nothing is applied while any file is wrong.
import { SCHEMA_FIELDS } from "../../generated/operations.js";
import type { WebhookRequest } from "../../generated/schema.js";
import { ContractValidationError } from "../errors.js";
import { CliError, type Context, FileReadError, printable, readFileBounded } from "./context.js";
import { pathParameterProblem } from "./options.js";

/** One plan or apply reads each webhook from the platform: a bound that says so, rather than hours of GETs. */
export const MAX_DEFINITIONS = 5000;
/** Problems listed at most; the count says how many more. */
const SHOWN_PROBLEMS = 100;

export interface Definition {
  file: string;
  webhook: WebhookRequest;
}

// Loaded when a command reads definitions, so that the other commands start faster.
const loadParsers = () => Promise.all([import("yaml"), import("../validation.js")]);

async function readBounded(ctx: Context, path: string, maxBytes: number): Promise<string> {
  const bytes = await readFileBounded(path, maxBytes, ctx.readLimits);
  if (bytes === undefined) throw new FileReadError(`is larger than ${maxBytes} bytes (rule: a definition file holds at most ${maxBytes} bytes)`);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/**
 * What each YAML error code means, in our words: the parser's own messages quote the file (a tag,
 * an alias, a directive, an escape sequence), and a definition may sit beside secrets.
 */
const YAML_RULES = new Map<string, string>([
  ["ALIAS_PROPS", "an alias cannot carry a tag or an anchor"],
  ["BAD_ALIAS", "an alias (*name) is malformed"],
  ["BAD_DIRECTIVE", "a directive (a line starting with %) is unknown or unsupported"],
  ["BAD_DQ_ESCAPE", "a double-quoted string holds an invalid escape sequence"],
  ["BAD_INDENT", "the indentation is wrong"],
  ["BAD_PROP_ORDER", "an anchor or tag must come after the ? or : indicator"],
  ["BAD_SCALAR_START", "a plain value starts with a reserved character (quote it)"],
  ["BLOCK_AS_IMPLICIT_KEY", "a block cannot be a key here (check the indentation)"],
  ["BLOCK_IN_FLOW", "a block collection cannot sit inside [...] or {...}"],
  ["DUPLICATE_KEY", "map keys must be unique"],
  ["KEY_OVER_1024_CHARS", "an implicit key is longer than 1024 characters"],
  ["MISSING_CHAR", "a character is missing (a closing quote or bracket, a comma, a space after a colon)"],
  ["MULTILINE_IMPLICIT_KEY", "an implicit key must be on one line"],
  ["MULTIPLE_ANCHORS", "a node can have at most one anchor"],
  ["MULTIPLE_DOCS", "only one document is allowed here"],
  ["MULTIPLE_TAGS", "a node can have at most one tag"],
  ["NON_STRING_KEY", "map keys must be strings"],
  ["RESOURCE_EXHAUSTION", "collections nest too deeply to be read"],
  ["TAB_AS_INDENT", "a tab cannot indent"],
  ["TAG_RESOLVE_FAILED", "a tag (!name) is unknown: a definition is plain YAML, without tags"],
  ["UNEXPECTED_TOKEN", "unexpected content"],
  ["BAD_COLLECTION_TYPE", "a tag does not fit the collection it is on"],
]);

/** Where in the file and which rule, never the file's text. */
function yamlProblem(error: { code: string; linePos?: readonly { line: number; col: number }[] }): string {
  const at = error.linePos?.[0];
  const where = at === undefined ? "" : ` at line ${at.line}, column ${at.col}`;
  return `${where}: ${YAML_RULES.get(error.code) ?? "the YAML is malformed"} (rule: YAML ${error.code})`;
}

/** toJS's errors quote an alias's name: told in our words. */
function conversionProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (/excessive alias count/i.test(message)) return "aliases expand too far (rule: YAML aliases expand to at most 100 nodes)";
  if (/unresolved alias/i.test(message)) return "an alias (*name) names no anchor set before it (rule: YAML anchors come before their aliases)";
  return "cannot be read as data (rule: YAML)";
}

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
  let total = 0;
  for (const file of files) {
    const shown = printable(file);
    let text: string;
    try {
      text = await readBounded(ctx, ctx.path(file), DEFAULT_MAX_BYTES);
    } catch (error) {
      if (error instanceof CliError) throw error; // interrupted
      const reason = error instanceof FileReadError ? error.message : error instanceof TypeError ? "not UTF-8 text (rule: a definition file is UTF-8)" : ((error as NodeJS.ErrnoException).code ?? "unreadable");
      errors.push(`${shown}: cannot be read: ${reason}`);
      continue;
    }
    const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
    const values: unknown[] = [];
    for (const document of documents) {
      const problems = [...document.errors, ...document.warnings];
      if (problems.length > 0) {
        for (const problem of problems) errors.push(`${shown}: not valid YAML or JSON${yamlProblem(problem)}`);
        continue;
      }
      let value: unknown;
      try {
        value = document.toJS({ maxAliasCount: 100 });
      } catch (error) {
        errors.push(`${shown}: ${conversionProblem(error)}`);
        continue;
      }
      if (value === null || value === undefined) continue;
      // Pushed one by one: spreading a list of 130,000 entries into push() overflows the stack.
      for (const item of Array.isArray(value) ? value : [value]) values.push(item);
    }
    total += values.length;
    if (total > MAX_DEFINITIONS) {
      throw new CliError(
        `${shown}: the definition files hold more than ${MAX_DEFINITIONS} webhook definitions (rule: at most ${MAX_DEFINITIONS} in one plan or apply, each read from the platform one by one); split them; nothing was changed`,
        2,
      );
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
        // `.` and `..` break the schema's pattern and the client's path rule: said once, in the client's words (why it matters).
        const name = (value as { name?: unknown }).name;
        const nameProblem = typeof name === "string" ? pathParameterProblem("getWebhook", "name", name) : undefined;
        if (nameProblem !== undefined) errors.push(`${where}: field /name ${nameProblem}`);
        // A field's path is the file's own keys: shown escaped and cut short.
        for (const issue of error.issues) if (nameProblem === undefined || issue.path !== "/name") errors.push(`${where}: field ${printable(issue.path.slice(0, 200)) || "(root)"} ${issue.message} (rule: ${issue.rule})${readOnlyHint(issue.path)}`);
      }
    });
  }
  const seen = new Map<string, string>();
  for (const { file, webhook } of definitions) {
    const earlier = seen.get(webhook.name);
    if (earlier !== undefined) errors.push(`${printable(file)}: webhook ${printable(webhook.name)}: also defined in ${printable(earlier)}; define each webhook once`);
    seen.set(webhook.name, file);
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, SHOWN_PROBLEMS).map((error) => `  ${error}`);
    if (errors.length > SHOWN_PROBLEMS) shown.push(`  ... and ${errors.length - SHOWN_PROBLEMS} more`);
    throw new CliError(`${errors.length} problem(s) in the definition files; nothing was changed:\n${shown.join("\n")}`, 2);
  }
  return definitions;
}
