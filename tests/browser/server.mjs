// Starting and driving the real `ddci` binary for the browser tests.
import { spawn, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const BIN = process.env.DDCI_BIN ?? "/var/cache/ddci-target/debug/ddci";
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function ddci(env, ...args) {
  return execFileSync(BIN, args, { env: { ...process.env, ...env, RUST_LOG: "warn" } }).toString();
}

/** `ddci serve` on a port the system picks (a fixed or random one may be taken), read back
 * from the line the server prints once it listens. */
export async function startServer(env) {
  const server = spawn(BIN, ["serve", "--no-demo", "--bind", "127.0.0.1:0"], {
    env: { ...process.env, ...env, RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ddci serve did not start:\n${log}`)), 20000);
    server.stderr.on("data", (chunk) => {
      log += chunk;
      const m = log.match(/ddci serves (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on("exit", (code) => { clearTimeout(timer); reject(new Error(`ddci serve exited (${code}):\n${log}`)); });
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { server, base };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error("ddci serve does not answer /healthz");
}

/** axe-core on the current page: the serious and critical violations. */
export async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** A newcomer's first run: `ddci serve` in the fresh folder `dir` with the defaults (the demo
 * on, SQLite under data/), on a port the system picks. Resolves once the console printed the
 * demo's invitation codes, with the server's address and those codes. */
export async function startDemo(dir) {
  const env = { ...process.env, RUST_LOG: "warn" };
  delete env.DATABASE_URL;
  delete env.DDCI_DEMO;
  const server = spawn(BIN, ["serve", "--bind", "127.0.0.1:0"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const printed = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${err}\n${out}`)), 60000);
    // The address comes on stderr, the welcome on stdout: wait for both.
    const ready = () => {
      if (out.includes("ddci admin create") && /ddci serves/.test(err)) { clearTimeout(timer); resolve(out); }
    };
    server.stderr.on("data", (chunk) => { err += chunk; ready(); });
    server.stdout.on("data", (chunk) => { out += chunk; ready(); });
    server.on("exit", (code) => { clearTimeout(timer); reject(new Error(`ddci serve exited (${code}):\n${err}`)); });
  });
  const base = err.match(/ddci serves (http:\/\/\S+)/)[1];
  const codes = [...printed.matchAll(/\/survey\?code=(\S+)/g)].map((m) => m[1]);
  return { server, base, codes, printed };
}
