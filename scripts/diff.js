// @ts-check
// Lists every change between two versions of the bundled spec, each marked breaking or not for
// the repositories that depend on it, with the JSON pointer of where it is. Direction matters:
// what clients send (parameters, request bodies) breaks when it narrows; what they receive
// (responses, and the outbound webhooks' bodies) breaks when it widens or loses a field.
//
//   node scripts/diff.js --base REF|FILE [--head FILE] [--format text|markdown]
//
// A change inside a shared component (`#/components/schemas/X`) is reported once, at the component,
// with the operations and webhooks it reaches listed under it, each marked breaking or not for its
// own direction. `--format markdown` prints the same as a list for a changelog or a pull request.
//
// The base is a file (bundled JSON or YAML) or a git ref (its generated/openapi.json); the head is
// a file or, by default, a fresh bundle of openapi/. Exit status 1 when a change is breaking and
// the version was not raised as semver requires (the major, or the minor while the major is 0).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ROOT, isMain } from "./lib.js";

/** @typedef {Record<string, any>} Json */
/** @typedef {"request" | "response"} Direction */
/** @typedef {{ operation: string, breaking: boolean }} Reach */
/** @typedef {{ pointer: string, message: string, breaking: boolean, reaches?: Reach[] }} Change */

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const UPPER_BOUNDS = ["maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"];
const LOWER_BOUNDS = ["minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"];

const escape = (/** @type {string} */ key) => key.replaceAll("~", "~0").replaceAll("/", "~1");
const same = (/** @type {unknown} */ a, /** @type {unknown} */ b) => JSON.stringify(a) === JSON.stringify(b);

/** The component each dereferenced schema came from (`#/components/schemas/X`), by object identity. */
const componentOf = new WeakMap();

/**
 * A copy of `document` with every internal `$ref` replaced by its target (cycles are left as refs).
 * Each object that replaced a `$ref` to a component remembers it, so that a change inside it is
 * reported at the component rather than at every place that uses it.
 * @param {Json} document
 * @returns {Json}
 */
export function dereference(document) {
  /** @param {any} node @param {string[]} stack @returns {any} */
  const walk = (node, stack) => {
    if (Array.isArray(node)) return node.map((item) => walk(item, stack));
    if (node === null || typeof node !== "object") return node;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
      if (stack.includes(node.$ref)) return node;
      const target = node.$ref
        .slice(2)
        .split("/")
        .reduce((/** @type {any} */ at, /** @type {string} */ key) => at?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], document);
      const { $ref, ...siblings } = node;
      const resolved = walk({ ...target, ...siblings }, [...stack, $ref]);
      if (/^#\/components\/[^/]+\/[^/]+$/.test($ref) && resolved !== null && typeof resolved === "object") componentOf.set(resolved, $ref);
      return resolved;
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value, stack)]));
  };
  return walk(document, []);
}

/** @param {Json} schema */
function typesOf(schema) {
  return schema.type === undefined ? undefined : [schema.type].flat().sort();
}

/**
 * @param {Json | undefined} base @param {Json | undefined} head @param {string} pointer
 * @param {Direction} direction @param {Change[]} changes
 */
export function compareSchemas(base, head, pointer, direction, changes) {
  if (!base || !head) return;
  pointer = componentOf.get(head) ?? componentOf.get(base) ?? pointer;
  const add = (/** @type {string} */ message, /** @type {boolean} */ breaking) => changes.push({ pointer, message, breaking });
  const request = direction === "request";

  const [baseTypes, headTypes] = [typesOf(base), typesOf(head)];
  if (!same(baseTypes, headTypes)) {
    const widened = baseTypes !== undefined && (headTypes === undefined || baseTypes.every((t) => headTypes.includes(t)));
    const narrowed = headTypes !== undefined && (baseTypes === undefined || headTypes.every((t) => baseTypes.includes(t)));
    add(`type ${JSON.stringify(baseTypes ?? "any")} → ${JSON.stringify(headTypes ?? "any")}`, request ? !widened : !narrowed);
  }

  if (!same(base.enum, head.enum)) {
    const added = (head.enum ?? []).filter((/** @type {unknown} */ v) => !(base.enum ?? []).some((/** @type {unknown} */ w) => same(v, w)));
    const removed = (base.enum ?? []).filter((/** @type {unknown} */ v) => !(head.enum ?? []).some((/** @type {unknown} */ w) => same(v, w)));
    if (base.enum === undefined) add("enum added (the values are now restricted)", request);
    else if (head.enum === undefined) add("enum removed (any value is now allowed)", !request);
    else {
      if (added.length > 0) add(`enum values added: ${added.join(", ")}`, !request);
      if (removed.length > 0) add(`enum values removed: ${removed.join(", ")}`, request);
    }
  }

  for (const keyword of [...UPPER_BOUNDS, ...LOWER_BOUNDS]) {
    if (base[keyword] === head[keyword]) continue;
    const upper = UPPER_BOUNDS.includes(keyword);
    const tightened =
      base[keyword] === undefined || (head[keyword] !== undefined && (upper ? head[keyword] < base[keyword] : head[keyword] > base[keyword]));
    add(`${keyword} ${base[keyword] ?? "none"} → ${head[keyword] ?? "none"} (${tightened ? "tightened" : "loosened"})`, request === tightened);
  }

  if (base.pattern !== head.pattern) {
    const added = base.pattern === undefined;
    const removed = head.pattern === undefined;
    add(`pattern ${base.pattern ?? "none"} → ${head.pattern ?? "none"}`, added ? request : removed ? !request : true);
  }

  const closed = (/** @type {Json} */ s) => s.additionalProperties === false;
  if (closed(base) !== closed(head)) {
    add(closed(head) ? "closed to unknown fields (additionalProperties: false)" : "opened to unknown fields", closed(head) ? request : !request);
  }

  const baseProps = base.properties ?? {};
  const headProps = head.properties ?? {};
  const baseRequired = new Set(base.required ?? []);
  const headRequired = new Set(head.required ?? []);
  for (const key of new Set([...Object.keys(baseProps), ...Object.keys(headProps)])) {
    const at = `${pointer}/properties/${escape(key)}`;
    if (!(key in headProps)) changes.push({ pointer: at, message: `field ${key} removed`, breaking: true });
    else if (!(key in baseProps)) {
      const required = headRequired.has(key);
      changes.push({ pointer: at, message: `${required ? "required" : "optional"} field ${key} added`, breaking: request && required });
    } else {
      if (baseRequired.has(key) !== headRequired.has(key)) {
        const nowRequired = headRequired.has(key);
        changes.push({ pointer: at, message: `field ${key} became ${nowRequired ? "required" : "optional"}`, breaking: request === nowRequired });
      }
      compareSchemas(baseProps[key], headProps[key], at, direction, changes);
    }
  }
  if (typeof base.additionalProperties === "object" || typeof head.additionalProperties === "object") {
    compareSchemas(base.additionalProperties, head.additionalProperties, `${pointer}/additionalProperties`, direction, changes);
  }
  compareSchemas(base.items, head.items, `${pointer}/items`, direction, changes);
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const [baseBranches, headBranches] = [base[keyword], head[keyword]];
    // Branch by branch when there are as many: a change inside a referenced component is that
    // component's, named once, not a change of every schema that composes it.
    if (Array.isArray(baseBranches) && Array.isArray(headBranches) && baseBranches.length === headBranches.length) {
      baseBranches.forEach((branch, i) => compareSchemas(branch, headBranches[i], `${pointer}/${keyword}/${i}`, direction, changes));
    } else if (!same(baseBranches, headBranches)) add(`${keyword} changed`, true);
  }
  for (const keyword of ["not", "if", "then", "else", "const"]) {
    if (!same(base[keyword], head[keyword])) add(`${keyword} changed`, true);
  }
}

/** @param {Json | undefined} base @param {Json | undefined} head @param {string} pointer @param {Direction} direction @param {Change[]} changes */
function compareContent(base, head, pointer, direction, changes) {
  for (const type of new Set([...Object.keys(base ?? {}), ...Object.keys(head ?? {})])) {
    const at = `${pointer}/${escape(type)}`;
    if (!head?.[type]) changes.push({ pointer: at, message: `body ${type} removed`, breaking: true });
    else if (!base?.[type]) changes.push({ pointer: at, message: `body ${type} added`, breaking: false });
    else compareSchemas(base[type].schema, head[type].schema, `${at}/schema`, direction, changes);
  }
}

/** @param {Json} item @param {Json} operation @param {string} pointer */
function parametersOf(item, operation, pointer) {
  /** @type {Map<string, { parameter: Json, pointer: string }>} */
  const found = new Map();
  (item.parameters ?? []).forEach((/** @type {Json} */ p, /** @type {number} */ i) => found.set(`${p.in} ${p.name}`, { parameter: p, pointer: `${pointer}/parameters/${i}` }));
  (operation.parameters ?? []).forEach((/** @type {Json} */ p, /** @type {number} */ i) =>
    found.set(`${p.in} ${p.name}`, { parameter: p, pointer: `${pointer}/${operation.__method}/parameters/${i}` }),
  );
  return found;
}

/**
 * @param {Json} base @param {Json} head @param {string} pointer
 * @param {{ bodyDirection: Direction, compareResponses: boolean }} roles @param {Change[]} changes
 */
function compareOperation(base, head, pointer, roles, changes) {
  const [baseItem, headItem, method] = [base.item, head.item, base.method];
  const baseParams = parametersOf(baseItem, { ...base.operation, __method: method }, pointer);
  const headParams = parametersOf(headItem, { ...head.operation, __method: method }, pointer);
  for (const key of new Set([...baseParams.keys(), ...headParams.keys()])) {
    const [was, now] = [baseParams.get(key), headParams.get(key)];
    if (!now) changes.push({ pointer: /** @type {any} */ (was).pointer, message: `parameter ${key} removed`, breaking: true });
    else if (!was) changes.push({ pointer: now.pointer, message: `${now.parameter.required ? "required" : "optional"} parameter ${key} added`, breaking: now.parameter.required === true });
    else {
      if (Boolean(was.parameter.required) !== Boolean(now.parameter.required)) {
        changes.push({ pointer: now.pointer, message: `parameter ${key} became ${now.parameter.required ? "required" : "optional"}`, breaking: now.parameter.required === true });
      }
      compareSchemas(was.parameter.schema, now.parameter.schema, `${now.pointer}/schema`, "request", changes);
    }
  }

  const at = `${pointer}/${method}`;
  const [baseBody, headBody] = [base.operation.requestBody, head.operation.requestBody];
  if (baseBody && !headBody) changes.push({ pointer: `${at}/requestBody`, message: "request body removed", breaking: true });
  else if (!baseBody && headBody) changes.push({ pointer: `${at}/requestBody`, message: `${headBody.required ? "required" : "optional"} request body added`, breaking: headBody.required === true });
  else if (baseBody && headBody) {
    if (Boolean(baseBody.required) !== Boolean(headBody.required)) {
      changes.push({ pointer: `${at}/requestBody`, message: `request body became ${headBody.required ? "required" : "optional"}`, breaking: headBody.required === true });
    }
    compareContent(baseBody.content, headBody.content, `${at}/requestBody/content`, roles.bodyDirection, changes);
  }

  if (!roles.compareResponses) return;
  const [baseResponses, headResponses] = [base.operation.responses ?? {}, head.operation.responses ?? {}];
  for (const status of new Set([...Object.keys(baseResponses), ...Object.keys(headResponses)])) {
    const where = `${at}/responses/${status}`;
    if (!headResponses[status]) changes.push({ pointer: where, message: `response ${status} removed`, breaking: status.startsWith("2") });
    else if (!baseResponses[status]) changes.push({ pointer: where, message: `response ${status} added`, breaking: false });
    else compareContent(baseResponses[status].content, headResponses[status].content, `${where}/content`, "response", changes);
  }
}

/** @param {Json} document @param {"paths" | "webhooks"} section */
function operationsOf(document, section) {
  /** @type {Map<string, { item: Json, operation: Json, method: string, path: string, pointer: string }>} */
  const found = new Map();
  for (const [key, item] of Object.entries(document[section] ?? {})) {
    for (const method of METHODS) {
      if (item[method]) found.set(`${method} ${key}`, { item, operation: item[method], method, path: key, pointer: `#/${section}/${escape(key)}` });
    }
  }
  return found;
}

/**
 * Every change from `base` to `head` (bundled OpenAPI documents, with or without $refs).
 * @param {Json} baseDocument @param {Json} headDocument
 * @returns {Change[]}
 */
export function diffSpecs(baseDocument, headDocument) {
  const [base, head] = [dereference(baseDocument), dereference(headDocument)];
  /** @type {Change[]} */
  const changes = [];
  for (const section of /** @type {const} */ (["paths", "webhooks"])) {
    // Consumers receive the outbound webhooks' bodies: they break as responses do.
    const roles = section === "paths" ? { bodyDirection: /** @type {Direction} */ ("request"), compareResponses: true } : { bodyDirection: /** @type {Direction} */ ("response"), compareResponses: false };
    const [baseOps, headOps] = [operationsOf(base, section), operationsOf(head, section)];
    for (const key of new Set([...baseOps.keys(), ...headOps.keys()])) {
      const [was, now] = [baseOps.get(key), headOps.get(key)];
      const { method, path } = /** @type {any} */ (now ?? was);
      const name = `${method.toUpperCase()} ${path}`;
      const label = section === "paths" ? name : `webhook ${path} (${method.toUpperCase()})`;
      if (!now) changes.push({ pointer: `${/** @type {any} */ (was).pointer}/${/** @type {any} */ (was).method}`, message: `${section === "paths" ? "operation" : "webhook"} ${name} removed`, breaking: true });
      else if (!was) changes.push({ pointer: `${now.pointer}/${now.method}`, message: `${section === "paths" ? "operation" : "webhook"} ${name} added`, breaking: false });
      else {
        /** @type {Change[]} */
        const found = [];
        compareOperation(was, now, now.pointer, roles, found);
        for (const change of found) changes.push({ ...change, reaches: [{ operation: label, breaking: change.breaking }] });
      }
    }
  }
  return groupByPlace(changes);
}

/**
 * One change per place and message: a component's change (or a path-level parameter's) met from
 * several operations is listed once, breaking when it breaks any of them, with each operation it
 * reaches (breaking for that operation when any of its uses breaks).
 * @param {Change[]} changes
 * @returns {Change[]}
 */
function groupByPlace(changes) {
  /** @type {Map<string, Change & { byOperation: Map<string, boolean> }>} */
  const grouped = new Map();
  for (const change of changes) {
    const key = `${change.pointer}\0${change.message}`;
    const entry = grouped.get(key) ?? { pointer: change.pointer, message: change.message, breaking: false, byOperation: new Map() };
    entry.breaking ||= change.breaking;
    for (const reach of change.reaches ?? []) entry.byOperation.set(reach.operation, (entry.byOperation.get(reach.operation) ?? false) || reach.breaking);
    grouped.set(key, entry);
  }
  return [...grouped.values()].map(({ byOperation, ...change }) =>
    byOperation.size === 0 ? change : { ...change, reaches: [...byOperation].map(([operation, breaking]) => ({ operation, breaking })) },
  );
}

/**
 * The changes as text lines (`--format text`) or a Markdown list (`--format markdown`), with the
 * summary line.
 * @param {Change[]} changes @param {{ from?: string, to?: string, format?: "text" | "markdown" }} options
 * @returns {string}
 */
export function formatChanges(changes, { from, to, format = "text" }) {
  const breaking = changes.filter((change) => change.breaking).length;
  const summary = `${changes.length} change(s), ${breaking} breaking; version ${from} → ${to}`;
  const shared = (/** @type {Change} */ change) => change.reaches !== undefined && (change.pointer.startsWith("#/components/") || change.reaches.length > 1);
  if (format === "markdown") {
    const code = (/** @type {string} */ text) => `\`${text.replaceAll("`", "'")}\``;
    const lines = [`### API changes (${from} → ${to})`, "", `${changes.length} change(s), ${breaking} breaking.`, ""];
    for (const change of [...changes].sort((a, b) => Number(b.breaking) - Number(a.breaking))) {
      lines.push(`- ${change.breaking ? "**Breaking**" : "Compatible"}: ${change.message.replaceAll("|", "\\|")} at ${code(change.pointer)}`);
      if (shared(change)) for (const reach of /** @type {Reach[]} */ (change.reaches)) lines.push(`  - ${code(reach.operation)}${reach.breaking ? " (breaking here)" : ""}`);
    }
    return `${lines.join("\n")}\n`;
  }
  const lines = [];
  for (const change of changes) {
    lines.push(`${change.breaking ? "BREAKING" : "ok      "}  ${change.pointer}  ${change.message}`);
    if (shared(change)) {
      for (const reach of /** @type {Reach[]} */ (change.reaches)) lines.push(`            reaches ${reach.operation}${reach.breaking ? " (breaking)" : ""}`);
    }
  }
  return `${lines.join("\n")}${lines.length > 0 ? "\n" : ""}\n${summary}\n`;
}

/**
 * True when `head` is a release that may break: a higher major, or a higher minor while the major is 0.
 * @param {string} baseVersion @param {string} headVersion
 */
export function allowsBreaking(baseVersion, headVersion) {
  const [baseMajor = 0, baseMinor = 0] = String(baseVersion).split(".").map(Number);
  const [headMajor = 0, headMinor = 0] = String(headVersion).split(".").map(Number);
  return headMajor > baseMajor || (headMajor === 0 && baseMajor === 0 && headMinor > baseMinor);
}

/**
 * The bundled spec at a git ref, or in a file (JSON or YAML).
 * @param {string} reference
 * @returns {Json}
 */
export function loadBase(reference) {
  if (existsSync(reference)) return parseYaml(readFileSync(reference, "utf8"));
  try {
    const text = execFileSync("git", ["show", `${reference}:generated/openapi.json`], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`no bundled spec at "${reference}": it is neither a file nor a git ref with generated/openapi.json (${/** @type {any} */ (error).stderr?.toString().trim() ?? error})`);
  }
}

if (isMain(import.meta.url)) {
  const { parseArgs } = await import("node:util");
  const usage = "usage: npm run diff -- --base REF|FILE [--head FILE] [--format text|markdown] [--release-version X.Y.Z]";
  /** @type {Record<string, any>} */
  let values;
  try {
    ({ values } = parseArgs({ options: { base: { type: "string" }, head: { type: "string" }, format: { type: "string", default: "text" }, "release-version": { type: "string" } } }));
  } catch (error) {
    console.error(`diff: ${/** @type {Error} */ (error).message}\n${usage}`);
    process.exit(2);
  }
  if (!values.base || !["text", "markdown"].includes(values.format)) {
    console.error(values.base ? `diff: --format must be text or markdown, got "${values.format}"\n${usage}` : usage);
    process.exit(2);
  }
  let base;
  try {
    base = loadBase(values.base);
  } catch (error) {
    console.error(`diff: ${/** @type {Error} */ (error).message}`);
    process.exit(2);
  }
  const head = values.head ? loadBase(values.head) : /** @type {Json} */ (await (await import("./bundle.js")).bundleSpec());
  const changes = diffSpecs(base, head);
  // The version the head ships as: its own, or the one its pending changesets declare.
  const [from, to] = [base.info?.version, values["release-version"] ?? head.info?.version];
  process.stdout.write(formatChanges(changes, { from, to, format: values.format }));
  if (changes.some((change) => change.breaking) && !allowsBreaking(from, to)) {
    console.error(`breaking changes need a breaking release: raise the major version (or the minor while it is 0.x), e.g. with a "major" changeset`);
    process.exitCode = 1;
  }
}
