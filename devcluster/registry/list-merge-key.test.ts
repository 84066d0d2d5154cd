import { describe, expect, it } from "vitest";
import { listMergeKey } from "./list-merge-key.ts";

describe("listMergeKey", () => {
  it("knows the pod-spec lists of Pods and Deployments", () => {
    expect(listMergeKey("Deployment", "containers")).toEqual({ key: "name" });
    expect(listMergeKey("Pod", "ports")).toEqual({ key: "containerPort" });
    expect(listMergeKey("Deployment", "volumeMounts")).toEqual({ key: "mountPath" });
    expect(listMergeKey("ServiceAccount", "secrets")).toEqual({ key: "name" });
  });

  it("merges metadata and condition lists of every kind, and nothing else", () => {
    expect(listMergeKey("ConfigMap", "finalizers")).toBe("set");
    expect(listMergeKey("Execution", "conditions")).toEqual({ key: "type" });
    expect(listMergeKey("Lease", "ownerReferences")).toEqual({ key: "uid" });
    expect(listMergeKey("ConfigMap", "containers")).toBeUndefined();
    expect(listMergeKey("Deployment", "args")).toBeUndefined();
    expect(listMergeKey("Deployment", "constructor")).toBeUndefined();
  });
});
