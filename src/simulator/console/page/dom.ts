// The page's only way to make elements: text goes in as text nodes, attributes by name from a
// short list, so nothing a simulator holds (event data, names, answers) can become markup; and
// every text as shownText makes it, bounded and with its invisible controls written out.
import { shownText } from "./format.js";

const ALLOWED_ATTRIBUTES = new Set(["class", "type", "title", "aria-label", "aria-expanded", "aria-describedby", "scope", "colspan", "role", "data-seq"]);

type Child = Node | string | null | undefined | false;

/** An element with `attributes` and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (!ALLOWED_ATTRIBUTES.has(name)) throw new Error(`el: attribute ${name} is not allowed`);
    element.setAttribute(name, shownText(value, 2_000));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(typeof child === "string" ? document.createTextNode(shownText(child)) : child);
  return element;
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Replaces a select's options, keeping the chosen value when it is still offered. */
export function setOptions(select: HTMLSelectElement, options: readonly { value: string; label: string }[]): void {
  const chosen = select.value;
  select.replaceChildren(
    ...options.map(({ value, label }) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = shownText(label);
      return option;
    }),
  );
  if (options.some((option) => option.value === chosen)) select.value = chosen;
}

/** Shows `lines` in `target` as text, one paragraph each; `error` marks them as a failure. */
export function say(target: HTMLElement, lines: readonly string[], error = false): void {
  target.classList.toggle("error", error);
  target.replaceChildren(...lines.map((line) => el("p", {}, line)));
}

/** A button that reads `label` (its accessible name) and runs `action` on click. */
export function button(label: string, action: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const element = el("button", { type: "button", ...attributes }, label);
  element.addEventListener("click", action);
  return element;
}
