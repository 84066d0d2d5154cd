// Registry credentials the way `docker` and `podman` find them. Files, in order: `$REGISTRY_AUTH_FILE`
// (when set), the Docker config (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`), then Podman's
// `auth.json` (`$XDG_RUNTIME_DIR/containers/auth.json`, `~/.config/containers/auth.json`). In each file,
// Docker's order: `credHelpers[host]` → `credsStore` → `auths`, helpers run as `docker-credential-<name> get`.
// Hosts match case-insensitively and with or without the default port (:443).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export type RegistryCredentials =
  | { kind: "basic"; username: string; password: string }
  | { kind: "identityToken"; token: string };

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface ReadDockerCredentialsOptions {
  /** Folder of config.json (default: $DOCKER_CONFIG, else ~/.docker). */
  configDir?: string;
  readFile?: (path: string) => Promise<string>;
  /** Environment: file locations, and of credential helpers (its PATH finds them); default process.env. */
  env?: NodeJS.ProcessEnv;
}

const DOCKER_HUB_HOSTS = ["docker.io", "index.docker.io", "registry-1.docker.io"];

/** The auth files to look in, in order. */
export function credentialFiles(options: ReadDockerCredentialsOptions = {}): string[] {
  const env = options.env ?? process.env;
  const home = env.HOME ?? homedir();
  const dockerDir = options.configDir ?? env.DOCKER_CONFIG ?? join(home, ".docker");
  return [
    ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
    join(dockerDir, "config.json"),
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, "containers", "auth.json")] : []),
    join(home, ".config", "containers", "auth.json"),
  ];
}

/** The credentials stored for `registry`, or undefined (anonymous). */
export async function readDockerCredentials(
  registry: string,
  options: ReadDockerCredentialsOptions = {},
): Promise<RegistryCredentials | undefined> {
  const read = options.readFile ?? ((path: string) => readFile(path, "utf8"));
  for (const file of credentialFiles(options)) {
    let config: AuthFile;
    try {
      config = JSON.parse(await read(file)) as AuthFile;
    } catch {
      continue;
    }
    const found = await credentialsIn(config, registry, options.env ?? process.env);
    if (found) return found;
  }
  return undefined;
}

async function credentialsIn(
  config: AuthFile,
  registry: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryCredentials | undefined> {
  const wanted = registryHost(registry);
  const hosts = DOCKER_HUB_HOSTS.includes(wanted) ? DOCKER_HUB_HOSTS : [wanted];
  const matches = (key: string) => hosts.includes(registryHost(key));
  const server = hosts === DOCKER_HUB_HOSTS ? "https://index.docker.io/v1/" : registry;
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => matches(key))?.[1];
  if (helper) return runCredentialHelper(helper, server, env);
  if (config.credsStore) {
    const stored = await runCredentialHelper(config.credsStore, server, env);
    if (stored) return stored;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (!matches(key)) continue;
    if (entry.identitytoken) return { kind: "identityToken", token: entry.identitytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username && entry.password) return { kind: "basic", username: entry.username, password: entry.password };
  }
  return undefined;
}

/** "https://Registry.Example.com:443/v1/" → "registry.example.com": no scheme, path or default port, lower case. */
export function registryHost(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase()
    .replace(/:443$/, "");
}

/** `docker-credential-<helper> get` with the server on stdin; undefined when it has nothing (or is missing). */
function runCredentialHelper(
  helper: string,
  server: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryCredentials | undefined> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { env, timeout: 30_000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const { Username, Secret } = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!Secret) return resolve(undefined);
        resolve(
          Username === "<token>"
            ? { kind: "identityToken", token: Secret }
            : { kind: "basic", username: Username ?? "", password: Secret },
        );
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(server);
  });
}
