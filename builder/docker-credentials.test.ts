import { chmod, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDockerCredentials } from "./docker-credentials.ts";
import { removeTemporaryDirs, temporaryDir } from "../test/fixtures/temporary-dirs.ts";

afterAll(removeTemporaryDirs);

async function configDir(config: unknown): Promise<string> {
  const dir = await temporaryDir("docker-config");
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

describe("readDockerCredentials", () => {
  it("decodes the base64 auth of a host, also when the key is a URL", async () => {
    const auth = Buffer.from("kontinue:kontinue-test").toString("base64");
    const dir = await configDir({ auths: { "127.0.0.1:5001": { auth }, "https://ghcr.io/v1/": { username: "u", password: "p" } } });
    expect(await readDockerCredentials("127.0.0.1:5001", { configDir: dir })).toEqual({ kind: "basic", username: "kontinue", password: "kontinue-test" });
    expect(await readDockerCredentials("ghcr.io", { configDir: dir })).toEqual({ kind: "basic", username: "u", password: "p" });
  });

  it("maps Docker Hub's index URL and reads identity tokens", async () => {
    const dir = await configDir({ auths: { "https://index.docker.io/v1/": { identitytoken: "tok" } } });
    expect(await readDockerCredentials("docker.io", { configDir: dir })).toEqual({ kind: "identityToken", token: "tok" });
  });

  it("is anonymous without a config file or an entry", async () => {
    expect(await readDockerCredentials("ghcr.io", { configDir: join(tmpdir(), "kontinue-no-such-dir") })).toBeUndefined();
    expect(await readDockerCredentials("quay.io", { configDir: await configDir({ auths: {} }) })).toBeUndefined();
  });

  it("asks a credential helper (credHelpers, else credsStore) with the server on stdin", async () => {
    const bin = await temporaryDir("cred-helper");
    const script = join(bin, "docker-credential-kt");
    await writeFile(script, '#!/bin/sh\nread server\nif [ "$server" = "registry.example:5000" ]; then echo \'{"ServerURL":"x","Username":"robot","Secret":"s3cret"}\'; else echo "credentials not found" >&2; exit 1; fi\n');
    await chmod(script, 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    const dir = await configDir({ auths: {}, credHelpers: { "registry.example:5000": "kt" } });
    expect(await readDockerCredentials("registry.example:5000", { configDir: dir, env })).toEqual({ kind: "basic", username: "robot", password: "s3cret" });
    const store = await configDir({ credsStore: "kt" });
    expect(await readDockerCredentials("other.example", { configDir: store, env })).toBeUndefined();
    expect(await readDockerCredentials("registry.example:5000", { configDir: store, env })).toEqual({ kind: "basic", username: "robot", password: "s3cret" });
  });
});
