// What the JavaScript end-to-end tests share (tests/js, web/test): a real `headroom serve` on a
// free port with the manual clock, a zip archive for deployment packages, the SDK clients'
// configuration and a polling helper. Imports only Node's own modules, so tests in other
// npm packages (web/) can import it too.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BINARY = process.env.HEADROOM_BIN || path.join(ROOT, "build", "headroom");
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

// ---------------------------------------------------------------------------------------------
// A zip archive of stored (uncompressed) entries: enough for a deployment package.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// files: [[name, string | Buffer]]. Returns a Buffer holding the archive.
export function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of files) {
    const nameBytes = Buffer.from(name, "utf8");
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);  // local file header
    local.writeUInt16LE(10, 4);          // version needed
    local.writeUInt16LE(0, 6);           // flags
    local.writeUInt16LE(0, 8);           // stored
    local.writeUInt16LE(0, 10);          // time
    local.writeUInt16LE(0x21, 12);       // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);       // central directory header
    central.writeUInt16LE((3 << 8) | 20, 4);    // made by: Unix, 2.0
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(0, 30);               // extra
    central.writeUInt16LE(0, 32);               // comment
    central.writeUInt16LE(0, 34);               // disk
    central.writeUInt16LE(0, 36);               // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);  // external: -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);  // end of central directory
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------------
// The server.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Headroom {
  // `args`: more `headroom serve` flags; with --admin-token, admin() sends the token.
  static async start(args = []) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "headroom-e2e-js-"));
    const proc = spawn(BINARY, ["serve", "--port", "0", "--clock", "manual", "--data-dir", dataDir, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = [];
    proc.stderr.on("data", (chunk) => output.push(chunk.toString()));
    const lines = createInterface({ input: proc.stdout });
    const started = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("headroom did not start within 10 s: " + output.join(""))), 10_000);
      proc.once("error", (e) => { clearTimeout(timer); reject(e); });
      proc.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`headroom exited (${code ?? signal}) before listening: ${output.join("")}`));
      });
      lines.once("line", (line) => {
        clearTimeout(timer);
        const match = /http:\/\/([\d.]+):(\d+)/.exec(line);
        if (match) resolve(`http://${match[1]}:${match[2]}`);
        else reject(new Error("headroom did not start: " + line + output.join("")));
      });
    });
    let url;
    try {
      url = await started;
    } catch (e) {
      proc.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
    lines.on("line", (line) => output.push(line + "\n"));  // keep the pipe drained
    const token = args.includes("--admin-token") ? args[args.indexOf("--admin-token") + 1] : "";
    return new Headroom(proc, url, dataDir, output, token);
  }

  constructor(proc, url, dataDir, output, token = "") {
    Object.assign(this, { proc, url, dataDir, output, token });
    this.exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  }

  async admin(method, pathAndQuery) {
    const headers = this.token ? { "x-headroom-admin-token": this.token } : {};
    const response = await fetch(this.url + pathAndQuery, { method, headers });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async advance(seconds) {
    const { status, body } = await this.admin("POST", `/_headroom/clock/advance?seconds=${seconds}`);
    assert.equal(status, 200, JSON.stringify(body));
    return new Date(body.now);
  }

  async state() {
    const { status, body } = await this.admin("GET", "/_headroom/state");
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  }

  async now() {
    return new Date((await this.state()).now);
  }

  // SIGTERM; resolves to the exit code (0 when the shutdown was graceful).
  async stop() {
    this.proc.kill("SIGTERM");
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), 10_000); });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === null) {
      this.proc.kill("SIGKILL");
      await this.exited;
      throw new Error("headroom did not stop within 10 s of SIGTERM");
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    return result.code;
  }
}

export function clientConfig(url) {
  return {
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: ACCOUNT, secretAccessKey: "secret" },
    maxAttempts: 1,  // no retries: see every error as the server sent it
  };
}

// Polls fn until it returns a truthy value; fails after timeoutMs of real time.
export async function eventually(what, fn, timeoutMs = 5_000, stepMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

