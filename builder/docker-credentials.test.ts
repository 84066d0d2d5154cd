import { chmod, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDockerCredentials } from "./docker-credentials.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

/** A `docker-credential-<name>` script on a PATH of its own that knows one server. */
async function helperOnPath(name: string, server: string, username: string): Promise<NodeJS.ProcessEnv> {
  const bin = await temporaryDir("cred-helper");
  const script = join(bin, `docker-credential-${name}`);
  await writeFile(
    script,
    `#!/bin/sh\nread server\nif [ "$server" = "${server}" ]; then echo '{"Username":"${username}","Secret":"s"}'; ` +
      `else exit 1; fi\n`,
  );
  await chmod(script, 0o755);
  return { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: join(tmpdir(), "kontinue-no-home") };
}

async function configDir(config: unknown): Promise<string> {
  const dir = await temporaryDir("docker-config");
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

describe("readDockerCredentials", () => {
  it("decodes the base64 auth of a host, also when the key is a URL", async () => {
    const auth = Buffer.from("kontinue:kontinue-test").toString("base64");
    const dir = await configDir({
      auths: { "127.0.0.1:5001": { auth }, "https://ghcr.io/v1/": { username: "u", password: "p" } },
    });
    expect(await readDockerCredentials("127.0.0.1:5001", { configDir: dir })).toEqual({
      kind: "basic",
      username: "kontinue",
      password: "kontinue-test",
    });
    expect(await readDockerCredentials("ghcr.io", { configDir: dir })).toEqual({
      kind: "basic",
      username: "u",
      password: "p",
    });
  });

  it("maps Docker Hub's index URL and reads identity tokens", async () => {
    const dir = await configDir({ auths: { "https://index.docker.io/v1/": { identitytoken: "tok" } } });
    expect(await readDockerCredentials("docker.io", { configDir: dir })).toEqual({
      kind: "identityToken",
      token: "tok",
    });
  });

  it("is anonymous without a config file or an entry", async () => {
    expect(
      await readDockerCredentials("ghcr.io", { configDir: join(tmpdir(), "kontinue-no-such-dir") }),
    ).toBeUndefined();
    expect(await readDockerCredentials("quay.io", { configDir: await configDir({ auths: {} }) })).toBeUndefined();
  });

  it("asks a credential helper (credHelpers, else credsStore) with the server on stdin", async () => {
    const bin = await temporaryDir("cred-helper");
    const script = join(bin, "docker-credential-kt");
    await writeFile(
      script,
      '#!/bin/sh\nread server\nif [ "$server" = "registry.example:5000" ]; then echo ' +
        '\'{"ServerURL":"x","Username":"robot","Secret":"s3cret"}\'; else echo "credentials not found" >&2; exit 1; ' +
        "fi\n",
    );
    await chmod(script, 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    const dir = await configDir({ auths: {}, credHelpers: { "registry.example:5000": "kt" } });
    expect(await readDockerCredentials("registry.example:5000", { configDir: dir, env })).toEqual({
      kind: "basic",
      username: "robot",
      password: "s3cret",
    });
    const store = await configDir({ credsStore: "kt" });
    expect(await readDockerCredentials("other.example", { configDir: store, env })).toBeUndefined();
    expect(await readDockerCredentials("registry.example:5000", { configDir: store, env })).toEqual({
      kind: "basic",
      username: "robot",
      password: "s3cret",
    });
  });

  it("follows Docker's order: credHelpers, then credsStore, then auths", async () => {
    const auth = Buffer.from("from-auths:p").toString("base64");
    const helper = await helperOnPath("kh", "reg.example", "from-helper");
    const both = await configDir({
      auths: { "reg.example": { auth } },
      credHelpers: { "reg.example": "kh" },
      credsStore: "kh",
    });
    expect(await readDockerCredentials("reg.example", { configDir: both, env: helper })).toMatchObject({
      username: "from-helper",
    });
    const store = await configDir({ auths: { "reg.example": { auth } }, credsStore: "kh" });
    expect(await readDockerCredentials("reg.example", { configDir: store, env: helper })).toMatchObject({
      username: "from-helper",
    });
    const storeWithout = await configDir({ auths: { "other.example": { auth } }, credsStore: "kh" });
    expect(await readDockerCredentials("other.example", { configDir: storeWithout, env: helper })).toMatchObject({
      username: "from-auths",
    });
  });

  it("matches registry hosts case-insensitively and with or without the default port", async () => {
    const auth = Buffer.from("u:p").toString("base64");
    const dir = await configDir({ auths: { "https://Registry.Example.com:443/v2/": { auth }, "ghcr.io": { auth } } });
    expect(await readDockerCredentials("registry.example.com", { configDir: dir })).toMatchObject({ username: "u" });
    expect(await readDockerCredentials("GHCR.io:443", { configDir: dir })).toMatchObject({ username: "u" });
    expect(await readDockerCredentials("registry.example.com:5000", { configDir: dir })).toBeUndefined();
  });

  it(
    "reads Podman's auth.json (REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, ~/.config/containers) when Docker's config has " +
      "nothing",
    async () => {
      const home = await temporaryDir("podman-home");
      const auth = (user: string) => ({ auth: Buffer.from(`${user}:p`).toString("base64") });
      await mkdir(join(home, ".config", "containers"), { recursive: true });
      await writeFile(
        join(home, ".config", "containers", "auth.json"),
        JSON.stringify({ auths: { "quay.io": auth("podman"), "ghcr.io": auth("podman") } }),
      );
      const runtime = await temporaryDir("xdg-runtime");
      await mkdir(join(runtime, "containers"));
      await writeFile(
        join(runtime, "containers", "auth.json"),
        JSON.stringify({ auths: { "ghcr.io": auth("runtime") } }),
      );
      const docker = await configDir({ auths: { "docker.example": auth("docker") } });
      const env = { HOME: home, XDG_RUNTIME_DIR: runtime };
      expect(await readDockerCredentials("quay.io", { configDir: docker, env })).toMatchObject({ username: "podman" });
      expect(await readDockerCredentials("ghcr.io", { configDir: docker, env })).toMatchObject({ username: "runtime" });
      expect(await readDockerCredentials("docker.example", { configDir: docker, env })).toMatchObject({
        username: "docker",
      });
      const explicit = join(home, "explicit.json");
      await writeFile(explicit, JSON.stringify({ auths: { "docker.example": auth("explicit") } }));
      expect(
        await readDockerCredentials("docker.example", {
          configDir: docker,
          env: { ...env, REGISTRY_AUTH_FILE: explicit },
        }),
      ).toMatchObject({ username: "explicit" });
    },
  );
});
