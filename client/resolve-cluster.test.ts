// resolveCluster finds the cluster as kubectl does, and the project's devcluster when nothing is configured.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveCluster } from "./resolve-cluster.ts";

function kubeconfig(contexts: { name: string; server: string; namespace?: string }[], current: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    ...contexts.flatMap((c) => [`- name: ${c.name}`, "  cluster:", `    server: ${c.server}`]),
    "users:",
    ...contexts.flatMap((c) => [`- name: ${c.name}`, "  user:", `    token: token-${c.name}`]),
    "contexts:",
    ...contexts.flatMap((c) => [
      `- name: ${c.name}`,
      "  context:",
      `    cluster: ${c.name}`,
      `    user: ${c.name}`,
      ...(c.namespace ? [`    namespace: ${c.namespace}`] : []),
    ]),
    `current-context: ${current}`,
    "",
  ].join("\n");
}

describe("resolveCluster", () => {
  let dir: string;
  let home: string;
  const write = (path: string, text: string): string => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kontinue-resolve-"));
    home = join(dir, "home");
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("takes --kubeconfig first, with the namespace of its current context", () => {
    const file = write(
      join(dir, "a.yaml"),
      kubeconfig([{ name: "a", server: "https://a:6443", namespace: "team" }], "a"),
    );
    write(join(home, ".kube", "config"), kubeconfig([{ name: "home", server: "https://home:6443" }], "home"));
    const cluster = resolveCluster({ kubeconfig: file, env: { KUBECONFIG: file }, home, cwd: dir });
    expect(cluster.source).toBe("flag");
    expect(cluster.namespace).toBe("team");
    expect(cluster.kubeConfig.getCurrentCluster()?.server).toBe("https://a:6443");
    expect(cluster.description).toBe(`context "a" (${file})`);
    expect(resolveCluster({ kubeconfig: file, namespace: "other", home, cwd: dir, env: {} }).namespace).toBe("other");
  });

  it("refuses a --kubeconfig that does not exist", () => {
    expect(() => resolveCluster({ kubeconfig: "missing.yaml", home, cwd: dir, env: {} })).toThrow(
      expect.objectContaining({ code: "CLIENT_KUBECONFIG", message: expect.stringContaining('"missing.yaml"') }),
    );
  });

  it("merges KUBECONFIG's files as kubectl does: missing ones skipped, the first to name something wins", () => {
    const first = write(
      join(dir, "first.yaml"),
      kubeconfig([{ name: "shared", server: "https://first:6443" }], "shared"),
    );
    const second = write(
      join(dir, "second.yaml"),
      kubeconfig(
        [
          { name: "shared", server: "https://second:6443" },
          { name: "extra", server: "https://extra:6443", namespace: "x" },
        ],
        "extra",
      ),
    );
    const env = { KUBECONFIG: [join(dir, "absent.yaml"), first, second].join(delimiter) };
    const cluster = resolveCluster({ env, home, cwd: dir });
    expect(cluster.source).toBe("env");
    expect(cluster.kubeConfig.getCurrentContext()).toBe("shared");
    expect(cluster.kubeConfig.getCurrentCluster()?.server).toBe("https://first:6443");
    const extra = resolveCluster({ env, home, cwd: dir, context: "extra" });
    expect(extra.kubeConfig.getCurrentCluster()?.server).toBe("https://extra:6443");
    expect(extra.namespace).toBe("x");
  });

  it("falls back to ~/.kube/config, shown with ~", () => {
    write(join(home, ".kube", "config"), kubeconfig([{ name: "home", server: "https://home:6443" }], "home"));
    const cluster = resolveCluster({ env: {}, home, cwd: dir });
    expect(cluster.source).toBe("default");
    expect(cluster.namespace).toBe("default");
    expect(cluster.description).toBe('context "home" (~/.kube/config)');
  });

  it("names the contexts there are when --context names none of them", () => {
    write(join(home, ".kube", "config"), kubeconfig([{ name: "home", server: "https://home:6443" }], "home"));
    expect(() => resolveCluster({ env: {}, home, cwd: dir, context: "prod" })).toThrow(
      expect.objectContaining({ code: "CLIENT_UNKNOWN_CONTEXT", message: expect.stringContaining('it has "home"') }),
    );
  });

  it("uses the project's devcluster from a parent directory when nothing is configured", () => {
    const project = join(dir, "project");
    write(
      join(project, ".kontinue", "cluster", "kubeconfig"),
      kubeconfig([{ name: "kontinue-dev", server: "https://127.0.0.1:4443" }], "kontinue-dev"),
    );
    const nested = join(project, "functions", "deep");
    mkdirSync(nested, { recursive: true });
    const cluster = resolveCluster({ env: { KUBECONFIG: join(dir, "nothing-here") }, home, cwd: nested });
    expect(cluster.source).toBe("devcluster");
    expect(cluster.description).toBe(`the devcluster of this project (${join(project, ".kontinue", "cluster")})`);
    expect(cluster.kubeConfig.getCurrentCluster()?.server).toBe("https://127.0.0.1:4443");
  });

  it("says how to start a cluster when there is none (never client-node's http://localhost:8080)", () => {
    expect(() => resolveCluster({ env: {}, home, cwd: dir })).toThrow(
      expect.objectContaining({
        code: "CLIENT_NO_CLUSTER",
        message: expect.stringMatching(/no cluster is configured.*"kontinue dev"/),
      }),
    );
  });
});
