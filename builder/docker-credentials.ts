// Registry credentials from the Docker config file (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`):
// `auths` entries, or a credential helper (`credHelpers`, `credsStore`) run as `docker-credential-<name> get`.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export type RegistryCredentials = { kind: "basic"; username: string; password: string } | { kind: "identityToken"; token: string };

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface ReadDockerCredentialsOptions {
  /** Folder of config.json (default: $DOCKER_CONFIG, else ~/.docker). */
  configDir?: string;
  readFile?: (path: string) => Promise<string>;
  /** Environment of credential helpers (default process.env; its PATH finds them). */
  env?: NodeJS.ProcessEnv;
}

/** The credentials stored for `registry`, or undefined (anonymous). Keys may be hosts or URLs. */
export async function readDockerCredentials(registry: string, options: ReadDockerCredentialsOptions = {}): Promise<RegistryCredentials | undefined> {
  const dir = options.configDir ?? process.env.DOCKER_CONFIG ?? join(homedir(), ".docker");
  const read = options.readFile ?? ((path: string) => readFile(path, "utf8"));
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await read(join(dir, "config.json"))) as DockerConfigFile;
  } catch {
    return undefined;
  }
  const hosts = registry === "docker.io" ? ["docker.io", "index.docker.io", "registry-1.docker.io"] : [registry];
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const host = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    if (!hosts.includes(host)) continue;
    if (entry.identitytoken) return { kind: "identityToken", token: entry.identitytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username && entry.password) return { kind: "basic", username: entry.username, password: entry.password };
  }
  const helper = hosts.map((h) => config.credHelpers?.[h]).find(Boolean) ?? config.credsStore;
  return helper ? runCredentialHelper(helper, registry === "docker.io" ? "https://index.docker.io/v1/" : registry, options.env ?? process.env) : undefined;
}

/** `docker-credential-<helper> get` with the server on stdin; undefined when it has nothing (or is missing). */
function runCredentialHelper(helper: string, server: string, env: NodeJS.ProcessEnv): Promise<RegistryCredentials | undefined> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { env, timeout: 30_000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const { Username, Secret } = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!Secret) return resolve(undefined);
        resolve(Username === "<token>" ? { kind: "identityToken", token: Secret } : { kind: "basic", username: Username ?? "", password: Secret });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(server);
  });
}
