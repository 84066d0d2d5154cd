import { describe, expect, it } from "vitest";
import { containerArgv } from "./container-command.ts";
import { containerEnv, expandArgs } from "./container-env.ts";

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-abc", namespace: "shop", uid: "u1", labels: { app: "web" } },
  spec: { serviceAccountName: "worker" },
};
const fields = { pod, podIP: "127.1.0.7", hostIP: "127.0.0.1", nodeName: "devcluster" };

describe("containerEnv", () => {
  it("layers the container's env over the image's, with fieldRefs and $(VAR) references", () => {
    const env = containerEnv(
      ["PATH=/bin", "MODE=image"],
      [
        { name: "MODE", value: "pod" },
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "SA", valueFrom: { fieldRef: { fieldPath: "spec.serviceAccountName" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: "URL", value: "http://$(IP):8080/$(MISSING)/$$(IP)" },
      ],
      fields,
    );
    expect(Object.fromEntries(env)).toEqual({
      PATH: "/bin",
      MODE: "pod",
      POD_NAME: "web-abc",
      NS: "shop",
      IP: "127.1.0.7",
      SA: "worker",
      NODE: "devcluster",
      APP: "web",
      URL: "http://127.1.0.7:8080/$(MISSING)/$(IP)",
    });
    expect(expandArgs(["--ip=$(IP)"], env)).toEqual(["--ip=127.1.0.7"]);
  });
});

describe("containerArgv", () => {
  const image = { entrypoint: ["node", "/app/index.mjs"], cmd: ["--serve"], env: [], workingDir: "/app" };
  it("replaces the Entrypoint with command and the Cmd with args, as kube does", () => {
    expect(containerArgv(image, {})).toEqual(["node", "/app/index.mjs", "--serve"]);
    expect(containerArgv(image, { args: ["--once"] })).toEqual(["node", "/app/index.mjs", "--once"]);
    expect(containerArgv(image, { command: ["sh"] })).toEqual(["sh"]);
    expect(containerArgv(image, { command: ["sh"], args: ["-c", "x"] })).toEqual(["sh", "-c", "x"]);
  });
});
