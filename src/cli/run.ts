// The `socotra-webhooks` command tree. `run` is the whole CLI as a function, so that tests call it
// in-process with their own streams, environment and fetch; the bin only wires the process to it.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { CliError, type CliIO, Context, describeError, usageError } from "./context.js";
import { TOOLS } from "./tools.js";
import { EXIT, exitStatusHelp } from "./output.js";
import { divertedCommands } from "./diverted.js";
import { example } from "./options.js";
import { planCommands } from "./plan.js";
import { webhookCommands } from "./webhooks.js";

export type { CliIO } from "./context.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/** What commander may quote back whole: a command word, or an option as the CLI spells it (`-y, --yes`, `--timeout <seconds>`). */
const SHOWABLE = /^(?:[a-z]{1,20}(?:-[a-z]{1,20}){0,3}|(?:-[a-zA-Z], )?--?[a-z][a-z-]{0,40}(?: [<[][\w./-]{1,20}[>\]])?)$/;

/**
 * Nothing typed on the command line comes back whole in an error unless it is a plain command or
 * option name: a token pasted where the command goes (`unknown command '…'`), an option value
 * (`--tokn=SECRET` as `--tokn=…`; "argument '…' is invalid"), any other quoted word.
 */
const withoutValues = (message: string) =>
  message
    .replace(/'(--?[^'=\s]+)=[^']*'/g, "'$1=…'")
    .replace(/\bargument '[^']*' is invalid/g, "argument '…' is invalid")
    .replace(/'([^']*)'/g, (quoted, inner: string) => (inner === "…" || inner.endsWith("=…") || SHOWABLE.test(inner) ? quoted : `'…' (${inner.length} characters, not shown)`));

/** The command tree; `run` is how to execute it. Exported for tests that walk it. */
export function createProgram(io: CliIO = {}): Command {
  return program(new Context(io));
}

function program(ctx: Context): Command {
  const root = new Command("socotra-webhooks")
    .description("Manage the webhooks of Socotra Connected Core and replay diverted events (unofficial).")
    .version(version)
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.err(text),
      outputError: (text, write) => write(withoutValues(text)),
    });
  example(
    root,
    "$ export SOCOTRA_TOKEN=...   # or --token-file PATH; the default base URL is the sandbox",
    "$ socotra-webhooks list",
    "$ socotra-webhooks diverted resend policy-events --all --dry-run",
  );
  root.addHelpText("after", `\n${exitStatusHelp()}`);
  for (const command of [...webhookCommands(ctx), ...planCommands(ctx), divertedCommands(ctx)]) root.addCommand(command);
  // The tools run as a process of their own (the bin starts them before this tree); listed here for --help.
  for (const [name, summary] of Object.entries(TOOLS)) {
    const tool = root
      .command(name)
      .description(summary)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw usageError(`${name} runs as a process of its own: socotra-webhooks ${name} --help`);
      });
    example(tool, `$ socotra-webhooks ${name} --help   # its flags`);
  }
  // addCommand does not pass exitOverride and the output settings down, as .command() would.
  const inherit = (parent: Command) => {
    for (const child of parent.commands) {
      child.copyInheritedSettings(parent);
      inherit(child);
    }
  };
  inherit(root);
  return root;
}

/**
 * The one token policy of every command: a token is never taken on the command line, where shell
 * history and `ps` would keep it. The refusal, saying where a token goes, or undefined.
 */
export function refusedToken(argv: readonly string[]): string | undefined {
  if (!argv.some((arg) => arg === "--token" || arg.startsWith("--token="))) return undefined;
  return "error: there is no --token option: the token comes from the SOCOTRA_TOKEN environment variable or a file named by --token-file\n";
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and resolves with the exit
 * status: 0 done, 1 something failed, 2 bad usage or input, 130 interrupted.
 */
export async function run(argv: readonly string[], io: CliIO = {}): Promise<number> {
  const ctx = new Context(io);
  const refusal = refusedToken(argv);
  if (refusal !== undefined) {
    ctx.err(refusal);
    return EXIT.usage;
  }
  try {
    await program(ctx).parseAsync([...argv], { from: "user" });
    return EXIT.done;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, `help [command]` and --version end with status 0; bare `socotra-webhooks` and usage errors do not.
      return error.exitCode === 0 ? EXIT.done : EXIT.usage;
    }
    if (error instanceof CliError) {
      if (error.message !== "") ctx.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    if (ctx.signal.aborted) {
      ctx.err("interrupted\n");
      return EXIT.interrupted;
    }
    ctx.err(`error: ${describeError(error)}\n`);
    return EXIT.failed;
  }
}
