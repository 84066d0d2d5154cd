// Starts, stops and reports the real components the tests use: two loopback registries
// (Debian's docker-registry; :5000 anonymous, :5001 with htpasswd basic auth) and a
// private Docker engine. Idempotent: a healthy running service is reused.
// Usage: npx tsx scripts/services.ts start|stop|status
import { spawn } from "node:child_process";
import { open, readFile } from "node:fs/promises";
import { request } from "node:http";
import { $, fs, sleep } from "zx";

const stateRoot = "/var/lib/kontinue-test";
const runRoot = "/run/kontinue-test";
const logRoot = "/var/log/kontinue-test";
const dockerSocket = `${runRoot}/docker.sock`;
const registryUser = "kontinue";
const registryPassword = "kontinue-test";

interface Service {
  name: string;
  pidFile: string;
  logFile: string;
  healthy(): Promise<boolean>;
  prepare(): Promise<void>;
  /** After the process exited: release what it leaves behind. */
  cleanup?(): Promise<void>;
  command: readonly string[];
}

function registry(port: number, auth: boolean): Service {
  const root = `${stateRoot}/registry-${port}`;
  const config = `${root}/config.yml`;
  return {
    name: `registry 127.0.0.1:${port}${auth ? ` (basic auth ${registryUser}/${registryPassword})` : " (anonymous)"}`,
    pidFile: `${runRoot}/registry-${port}.pid`,
    logFile: `${logRoot}/registry-${port}.log`,
    async healthy() {
      const status = await httpStatus({ host: "127.0.0.1", port, path: "/v2/" });
      return status === (auth ? 401 : 200);
    },
    async prepare() {
      await fs.mkdirp(`${root}/storage`);
      const authBlock = auth ? `auth:\n  htpasswd:\n    realm: kontinue-test\n    path: ${root}/htpasswd\n` : "";
      if (auth) await $`htpasswd -Bbc ${root}/htpasswd ${registryUser} ${registryPassword}`.quiet();
      await fs.writeFile(
        config,
        `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${root}/storage\n  delete:\n ` +
          `   enabled: true\n` +
          `http:\n  addr: 127.0.0.1:${port}\n  headers:\n    X-Content-Type-Options: [nosniff]\n${authBlock}`,
      );
    },
    command: ["docker-registry", "serve", config],
  };
}

const docker: Service = {
  name: `dockerd unix://${dockerSocket}`,
  pidFile: `${runRoot}/docker.pid`,
  logFile: `${logRoot}/dockerd.log`,
  async healthy() {
    return (await httpStatus({ socketPath: dockerSocket, path: "/_ping" })) === 200;
  },
  async prepare() {
    await fs.mkdirp(`${stateRoot}/docker`);
    await fs.mkdirp(`${runRoot}/docker`);
  },
  async cleanup() {
    // dockerd can leave its network-namespace and data-root mounts behind; unmount them, deepest first.
    const mounts = (await readFile("/proc/mounts", "utf8"))
      .split("\n")
      .map((line) => line.split(" ")[1] ?? "")
      .filter((path) => path.startsWith(`${runRoot}/docker/`) || path === `${stateRoot}/docker`)
      .sort((a, b) => b.length - a.length);
    for (const path of mounts) await $`umount ${path}`.quiet().nothrow();
  },
  command: [
    "dockerd",
    "--iptables=false",
    "--ip6tables=false",
    "--bridge=none",
    "--data-root",
    `${stateRoot}/docker`,
    "--exec-root",
    `${runRoot}/docker`,
    "-H",
    `unix://${dockerSocket}`,
    "--pidfile",
    `${runRoot}/dockerd.pid`,
    "--insecure-registry",
    "127.0.0.1:5000",
    "--insecure-registry",
    "127.0.0.1:5001",
  ],
};

const services = [registry(5000, false), registry(5001, true), docker];

function httpStatus(target: {
  host?: string;
  port?: number;
  socketPath?: string;
  path: string;
}): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ ...target, method: "GET", timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function runningPid(service: Service): Promise<number | undefined> {
  const text = await fs.readFile(service.pidFile, "utf8").catch(() => "");
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function start(service: Service): Promise<void> {
  if (await service.healthy()) {
    console.log(`reusing ${service.name} (pid ${(await runningPid(service)) ?? "unknown"})`);
    return;
  }
  const stale = await runningPid(service);
  if (stale !== undefined) await stop(service);
  await service.prepare();
  const log = await open(service.logFile, "a");
  const [program, ...args] = service.command;
  const child = spawn(program!, args, { detached: true, stdio: ["ignore", log.fd, log.fd] });
  child.unref();
  await log.close();
  if (child.pid === undefined)
    throw new Error(
      `cannot start ${service.name}: "${program}" did not start; is it installed? run scripts/install-deps.sh`,
    );
  await fs.writeFile(service.pidFile, `${child.pid}\n`);
  for (let waited = 0; waited < 60_000; waited += 250) {
    if (await service.healthy()) {
      console.log(`started ${service.name} (pid ${child.pid}, log ${service.logFile})`);
      return;
    }
    if (child.exitCode !== null) break;
    await sleep(250);
  }
  throw new Error(`cannot start ${service.name}: not healthy after 60 s; see ${service.logFile}`);
}

async function stop(service: Service): Promise<void> {
  const pid = await runningPid(service);
  if (pid === undefined) {
    console.log(`${service.name}: not running`);
    return;
  }
  process.kill(pid, "SIGTERM");
  for (let waited = 0; waited < 60_000; waited += 200) {
    if ((await runningPid(service)) === undefined) break;
    await sleep(200);
  }
  if ((await runningPid(service)) !== undefined) process.kill(pid, "SIGKILL");
  await fs.rm(service.pidFile, { force: true });
  await service.cleanup?.();
  console.log(`stopped ${service.name} (pid ${pid})`);
}

async function status(service: Service): Promise<void> {
  const healthy = await service.healthy();
  const pid = await runningPid(service);
  console.log(
    `${service.name}: ${healthy ? "running, healthy" : pid !== undefined ? "running, NOT healthy" : "not running"}` +
      (pid !== undefined ? ` (pid ${pid})` : ""),
  );
}

const action = process.argv[2];
await fs.mkdirp(runRoot);
await fs.mkdirp(logRoot);
switch (action) {
  case "start":
    for (const service of services) await start(service);
    break;
  case "stop":
    for (const service of [...services].reverse()) await stop(service);
    break;
  case "status":
    for (const service of services) await status(service);
    break;
  default:
    console.error("usage: npx tsx scripts/services.ts start|stop|status");
    process.exitCode = 2;
}
