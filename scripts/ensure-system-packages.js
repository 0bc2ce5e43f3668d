// Before a test run: the programs its tests start. `npm test` needs redis-server and PostgreSQL
// (initdb, pg_ctl: the store tests start real servers); `npm run test:e2e` needs Chromium too
// (the docs browser test). What is missing is installed from Debian's packages when this is a
// Debian machine run as root (as in CI); elsewhere the script says how, and the tests that need
// it fail loudly with the same advice.
//   node scripts/ensure-system-packages.js test|e2e
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Each program a suite needs: how to find it, and the Debian package that provides it. */
const PROGRAMS = {
  "redis-server": { package: "redis-server", found: () => onPath("redis-server") },
  initdb: { package: "postgresql", found: () => onPath("initdb") || postgresBinDirs().length > 0 },
  chromium: { package: "chromium", found: () => existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium") },
};
const SUITES = { test: ["redis-server", "initdb"], e2e: ["redis-server", "initdb", "chromium"] };

function onPath(command) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, command)));
}

/** Debian keeps PostgreSQL's server programs off PATH, under /usr/lib/postgresql/VERSION/bin. */
function postgresBinDirs() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .map((version) => join(base, version, "bin"))
    .filter((dir) => existsSync(join(dir, "initdb")));
}

function missingPackages(suite) {
  return SUITES[suite].filter((program) => !PROGRAMS[program].found()).map((program) => PROGRAMS[program].package);
}

function main() {
  const suite = process.argv[2] ?? "test";
  if (!Object.hasOwn(SUITES, suite)) {
    console.error(`usage: node scripts/ensure-system-packages.js ${Object.keys(SUITES).join("|")} (got ${JSON.stringify(suite)})`);
    process.exit(2);
  }
  const missing = missingPackages(suite);
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(" ")}`;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log(`${suite}: installing Debian's ${missing.join(", ")} for the tests that start them…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    // Bounded: a stuck mirror fails the run instead of hanging it.
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env, timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: "inherit", env, timeout: 900_000 });
  } else {
    console.warn(`${suite}: missing ${missing.join(", ")}: install them (Debian: sudo ${command}; Chromium elsewhere: set CHROMIUM_PATH). The tests that need them fail without.`);
  }
}

main();
