// Conformance: the real kubectl drives the Kubernetes API (devcluster, or KONTINUE_TEST_KUBECONFIG's cluster).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { Kubectl } from "../fixtures/kubectl.ts";

const crdsDir = fileURLToPath(new URL("../../crds/", import.meta.url));
const suffix = randomBytes(3).toString("hex");
const namespace = `kontinue-conformance-${suffix}`;
const userGroup = `c${suffix}.conformance.example.com`;

/** The seed's example Execution from DESIGN.md, exactly as written there. */
const seedExecution = `apiVersion: kontinue.cloud/v1alpha1
kind: Execution
metadata: {name: process-order-abc123}
spec: {function: processOrder, arguments: {orderId: "12345"}}
status: {phase: Executing, state: {}, result: null}
`;

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
        resources:
          limits: {cpu: 100m, memory: 64Mi}
`;

const userCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.${userGroup}}
spec:
  group: ${userGroup}
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct${suffix}]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer, minimum: 1, default: 1}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
`;

/** The column headers kubectl prints for Executions without `-o wide`, from the CRD manifest itself. */
function executionColumns(): string[] {
  const crd = parse(readFileSync(`${crdsDir}kontinue.cloud_executions.yaml`, "utf8")) as {
    spec: { versions: { additionalPrinterColumns?: { name: string; priority?: number }[] }[] };
  };
  const columns = crd.spec.versions[0]!.additionalPrinterColumns ?? [{ name: "Age" }];
  return [
    "NAME",
    ...columns.filter((column) => (column.priority ?? 0) === 0).map((column) => column.name.toUpperCase()),
  ];
}

let kubectl: Kubectl;
const inNamespace = (...args: string[]) => [...args, "--namespace", namespace];

beforeAll(async () => {
  kubectl = new Kubectl(inject("kubeconfig"));
  await kubectl.ok(["apply", "-f", "-"], {
    input: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`,
  });
});

afterAll(async () => {
  await kubectl?.run([
    "delete",
    "customresourcedefinition",
    `crontabs.${userGroup}`,
    "--ignore-not-found",
    "--wait=false",
  ]);
  await kubectl?.run(["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"]);
  kubectl?.dispose();
});

describe("kubectl against the Kubernetes API", () => {
  it("applies crds/ and sees every CRD Established", async () => {
    const applied = await kubectl.ok(["apply", "-f", crdsDir]);
    expect(applied).toMatch(
      /customresourcedefinition\.apiextensions\.k8s\.io\/executions\.kontinue\.cloud (created|configured|unchanged)/,
    );
    const waited = await kubectl.ok([
      "wait",
      "--for",
      "condition=established",
      "--timeout=60s",
      "crd/executions.kontinue.cloud",
      "crd/functions.kontinue.cloud",
      "crd/suspensions.kontinue.cloud",
      "crd/scheduledexecutions.kontinue.cloud",
    ]);
    expect(waited.trim().split("\n")).toHaveLength(4);
  });

  it("applies the seed's Execution as written, with validation on", async () => {
    const output = await kubectl.ok(inNamespace("apply", "-f", "-"), { input: seedExecution });
    expect(output.trim()).toBe("execution.kontinue.cloud/process-order-abc123 created");
  });

  it("lists Executions as a table with the CRD's printer columns", async () => {
    const output = await kubectl.ok(inNamespace("get", "executions"));
    const [header, row] = output.trim().split("\n");
    expect(header!.split(/\s{2,}/)).toEqual(executionColumns());
    expect(row).toMatch(/^process-order-abc123\s+processOrder\s/);
    expect(row).toMatch(/\s\d+s$/);
  });

  it("prints an Execution as YAML and as JSON", async () => {
    const json = JSON.parse(
      await kubectl.ok(inNamespace("get", "execution", "process-order-abc123", "-o", "json")),
    ) as {
      apiVersion: string;
      kind: string;
      metadata: {
        name: string;
        namespace: string;
        uid: string;
        resourceVersion: string;
        generation: number;
        creationTimestamp: string;
      };
      spec: unknown;
    };
    expect(json).toMatchObject({
      apiVersion: "kontinue.cloud/v1alpha1",
      kind: "Execution",
      spec: { function: "processOrder", arguments: { orderId: "12345" } },
    });
    expect(json.metadata).toMatchObject({ name: "process-order-abc123", namespace, generation: 1 });
    expect(json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(Date.parse(json.metadata.creationTimestamp)).not.toBeNaN();
    const yaml = parse(
      await kubectl.ok(inNamespace("get", "execution", "process-order-abc123", "-o", "yaml")),
    ) as typeof json;
    expect(yaml.spec).toEqual(json.spec);
    expect(yaml.metadata.uid).toBe(json.metadata.uid);
  });

  it("watches with get -w and sees a status patched through the status subresource", async () => {
    const watch = kubectl.start(inNamespace("get", "execution", "process-order-abc123", "-w"));
    try {
      await watch.waitFor(/process-order-abc123/);
      const patched = await kubectl.ok(
        inNamespace(
          "patch",
          "execution",
          "process-order-abc123",
          "--type=merge",
          "--subresource=status",
          "-p",
          '{"status":{"phase":"Completed","attempt":1}}',
        ),
      );
      expect(patched.trim()).toBe("execution.kontinue.cloud/process-order-abc123 patched");
      const seen = await watch.waitFor(/process-order-abc123\s+processOrder\s+Completed\s+1\s/);
      expect(seen.trim().split("\n").length).toBeGreaterThanOrEqual(2);
    } finally {
      await watch.stop();
    }
    const after = JSON.parse(
      await kubectl.ok(inNamespace("get", "execution", "process-order-abc123", "-o", "json")),
    ) as { metadata: { generation: number }; status: { phase: string } };
    expect(after.status.phase).toBe("Completed");
    expect(after.metadata.generation).toBe(1);
  });

  it("describes an Execution", async () => {
    const output = await kubectl.ok(inNamespace("describe", "execution", "process-order-abc123"));
    expect(output).toMatch(/^Name:\s+process-order-abc123$/m);
    expect(output).toMatch(new RegExp(`^Namespace:\\s+${namespace}$`, "m"));
    expect(output).toMatch(/^\s+Function:\s+processOrder$/m);
    expect(output).toMatch(/^\s+Phase:\s+Completed$/m);
    expect(output).toMatch(/^Events:/m);
  });

  it("shows an Execution's Events in describe and in get events", async () => {
    const uid = await kubectl.ok(
      inNamespace("get", "execution", "process-order-abc123", "-o", "jsonpath={.metadata.uid}"),
    );
    const time = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    await kubectl.ok(inNamespace("apply", "-f", "-"), {
      input: `apiVersion: v1
kind: Event
metadata: {name: process-order-abc123.claimed}
involvedObject:
  {apiVersion: kontinue.cloud/v1alpha1, kind: Execution, name: process-order-abc123,
   namespace: ${namespace}, uid: ${uid}}
reason: Claimed
message: claimed by worker-1
type: Normal
source: {component: kontinue-worker}
firstTimestamp: "${time}"
lastTimestamp: "${time}"
count: 1
`,
    });
    const described = await kubectl.ok(inNamespace("describe", "execution", "process-order-abc123"));
    expect(described).toMatch(/^\s+Normal\s+Claimed\s+\S+\s+kontinue-worker\s+claimed by worker-1$/m);
    const events = await kubectl.ok(
      inNamespace("get", "events", "--field-selector", "involvedObject.name=process-order-abc123"),
    );
    const [header, row] = events.trim().split("\n");
    expect(header!.split(/\s{2,}/)).toEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
    expect(row).toMatch(/^\S+\s+Normal\s+Claimed\s+execution\/process-order-abc123\s+claimed by worker-1$/);
  });

  it("labels and annotates, and selects by label", async () => {
    expect((await kubectl.ok(inNamespace("label", "execution", "process-order-abc123", "team=shop"))).trim()).toBe(
      "execution.kontinue.cloud/process-order-abc123 labeled",
    );
    expect(
      (
        await kubectl.ok(inNamespace("annotate", "execution", "process-order-abc123", "kontinue.cloud/note=first"))
      ).trim(),
    ).toBe("execution.kontinue.cloud/process-order-abc123 annotated");
    await kubectl.ok(
      inNamespace("annotate", "execution", "process-order-abc123", "--overwrite", "kontinue.cloud/note=second"),
    );
    expect(await kubectl.ok(inNamespace("get", "executions", "-l", "team=shop", "-o", "name"))).toBe(
      "execution.kontinue.cloud/process-order-abc123\n",
    );
    expect(await kubectl.ok(inNamespace("get", "executions", "-l", "team in (other),!missing", "-o", "name"))).toBe("");
    expect(
      await kubectl.ok(
        inNamespace(
          "get",
          "execution",
          "process-order-abc123",
          "-o",
          "jsonpath={.metadata.annotations.kontinue\\.cloud/note}",
        ),
      ),
    ).toBe("second");
    await kubectl.ok(inNamespace("label", "execution", "process-order-abc123", "team-"));
    expect(await kubectl.ok(inNamespace("get", "executions", "-l", "team", "-o", "name"))).toBe("");
  });

  it("lists in pages, across namespaces, with label columns and sorting", async () => {
    for (const name of ["page-b", "page-a", "page-c"]) {
      await kubectl.ok(inNamespace("apply", "-f", "-"), {
        input:
          `apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: ${name}, labels: {page: ` +
          `"yes", tier: ${name}}}\nspec: {function: ${name.replace("-", "")}}\n`,
      });
    }
    const paged = await kubectl.ok(inNamespace("get", "executions", "-l", "page=yes", "--chunk-size=1", "-o", "name"));
    expect(paged).toBe(
      "execution.kontinue.cloud/page-a\nexecution.kontinue.cloud/page-b\nexecution.kontinue.cloud/page-c\n",
    );
    const everywhere = await kubectl.ok(["get", "executions", "--all-namespaces", "-l", "page=yes"]);
    expect(
      everywhere
        .trim()
        .split("\n")
        .map((line) => line.split(/\s+/).slice(0, 2).join(" ")),
    ).toEqual(["NAMESPACE NAME", `${namespace} page-a`, `${namespace} page-b`, `${namespace} page-c`]);
    const labelled = await kubectl.ok(
      inNamespace("get", "executions", "-l", "page=yes", "-L", "tier", "--sort-by=.spec.function", "--no-headers"),
    );
    expect(
      labelled
        .trim()
        .split("\n")
        .map((line) => line.split(/\s+/).at(-1)),
    ).toEqual(["page-a", "page-b", "page-c"]);
    await kubectl.ok(inNamespace("delete", "executions", "-l", "page=yes"));
    expect(await kubectl.ok(inNamespace("get", "executions", "-l", "page=yes", "-o", "name"))).toBe("");
  });

  it("answers a bad label selector with 400", async () => {
    const result = await kubectl.run(inNamespace("get", "executions", "-l", "team in shop"));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/BadRequest|unable to parse requirement/);
  });

  it("lists every Kontinue kind through the kontinue category", async () => {
    const output = await kubectl.ok(inNamespace("get", "kontinue", "-o", "name"));
    expect(output).toContain("execution.kontinue.cloud/process-order-abc123");
  });

  it("explains execution.spec from the OpenAPI document", async () => {
    const output = await kubectl.ok(["explain", "execution.spec"]);
    expect(output).toMatch(/^GROUP:\s+kontinue\.cloud$/m);
    expect(output).toMatch(/^KIND:\s+Execution$/m);
    expect(output).toMatch(/^FIELD: spec <Object>/m);
    expect(output).toMatch(/^\s+function\s+<string> -required-$/m);
    expect(output).toMatch(/^\s+arguments\s+<Object>$/m);
  });

  it("rejects an Execution that fails its schema with 422 and field paths, storing nothing", async () => {
    const result = await kubectl.run(inNamespace("apply", "-f", "-"), {
      input:
        "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: no-function}\nspec: {arguments: {}}\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('The Execution "no-function" is invalid');
    expect(result.stderr).toContain("spec.function: Required value");
    const badName = await kubectl.run(inNamespace("apply", "-f", "-"), {
      input: "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: Bad_Name}\nspec: {function: f}\n",
    });
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toContain(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters",
    );
    const unknownField = await kubectl.run(inNamespace("apply", "-f", "-"), {
      input:
        "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: extra-field}\nspec: {function: f, " +
        "bogus: 1}\n",
    });
    expect(unknownField.code).not.toBe(0);
    expect(unknownField.stderr).toContain('unknown field "spec.bogus"');
    expect(await kubectl.ok(inNamespace("get", "executions", "-o", "name"))).toBe(
      "execution.kontinue.cloud/process-order-abc123\n",
    );
  });

  it("shows priority columns with -o wide", async () => {
    const output = await kubectl.ok(inNamespace("get", "executions", "-o", "wide"));
    const crd = parse(readFileSync(`${crdsDir}kontinue.cloud_executions.yaml`, "utf8")) as {
      spec: { versions: { additionalPrinterColumns?: { name: string }[] }[] };
    };
    const all = [
      "NAME",
      ...(crd.spec.versions[0]!.additionalPrinterColumns ?? []).map((column) => column.name.toUpperCase()),
    ];
    expect(output.split("\n")[0]!.split(/\s{2,}/)).toEqual(all);
  });

  it("stores nothing on a server-side dry run", async () => {
    const input =
      "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: dry-run}\nspec: {function: " +
      "processOrder}\n";
    expect((await kubectl.ok(inNamespace("apply", "--dry-run=server", "-f", "-"), { input })).trim()).toBe(
      "execution.kontinue.cloud/dry-run created (server dry run)",
    );
    const get = await kubectl.run(inNamespace("get", "execution", "dry-run"));
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain('executions.kontinue.cloud "dry-run" not found');
  });

  it("edits, replaces and JSON-patches an Execution, and refuses a strategic merge patch on it", async () => {
    const input =
      "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: edited}\nspec: {function: " +
      "processOrder}\n";
    await kubectl.ok(inNamespace("apply", "-f", "-"), { input });
    const functionOf = () => kubectl.ok(inNamespace("get", "execution", "edited", "-o", "jsonpath={.spec.function}"));
    expect(
      (
        await kubectl.ok(inNamespace("edit", "execution", "edited"), {
          env: { KUBE_EDITOR: "sed -i s/processOrder/editedFunction/" },
        })
      ).trim(),
    ).toBe("execution.kontinue.cloud/edited edited");
    expect(await functionOf()).toBe("editedFunction");
    expect(
      (
        await kubectl.ok(inNamespace("replace", "-f", "-"), {
          input: input.replace("processOrder", "replacedFunction"),
        })
      ).trim(),
    ).toBe("execution.kontinue.cloud/edited replaced");
    expect(await functionOf()).toBe("replacedFunction");
    await kubectl.ok(
      inNamespace(
        "patch",
        "execution",
        "edited",
        "--type=json",
        "-p",
        JSON.stringify([
          { op: "test", path: "/spec/function", value: "replacedFunction" },
          { op: "replace", path: "/spec/function", value: "patchedFunction" },
        ]),
      ),
    );
    expect(await functionOf()).toBe("patchedFunction");
    const failedTest = await kubectl.run(
      inNamespace(
        "patch",
        "execution",
        "edited",
        "--type=json",
        "-p",
        '[{"op":"test","path":"/spec/function","value":"nope"}]',
      ),
    );
    expect(failedTest.code).not.toBe(0);
    expect(failedTest.stderr).toContain("The request is invalid");
    const strategic = await kubectl.run(inNamespace("patch", "execution", "edited", "-p", '{"spec":{"function":"x"}}'));
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain(
      "application/strategic-merge-patch+json is not supported by kontinue.cloud/v1alpha1, Kind=Execution",
    );
    expect(await functionOf()).toBe("patchedFunction");
  });

  it("names unknown resource types and versions as kubectl does against kube-apiserver", async () => {
    const unknownType = await kubectl.run(inNamespace("get", "nosuchthings"));
    expect(unknownType.code).not.toBe(0);
    expect(unknownType.stderr).toContain('the server doesn\'t have a resource type "nosuchthings"');
    const unknownVersion = await kubectl.run(inNamespace("apply", "-f", "-"), {
      input: "apiVersion: kontinue.cloud/v9\nkind: Execution\nmetadata: {name: x}\nspec: {function: f}\n",
    });
    expect(unknownVersion.code).not.toBe(0);
    expect(unknownVersion.stderr).toContain('no matches for kind "Execution" in version "kontinue.cloud/v9"');
  });

  it("applies, re-applies and scales a Deployment", async () => {
    expect((await kubectl.ok(inNamespace("apply", "-f", "-"), { input: deployment("nginx:1.27") })).trim()).toBe(
      "deployment.apps/web created",
    );
    expect((await kubectl.ok(inNamespace("apply", "-f", "-"), { input: deployment("nginx:1.28") })).trim()).toBe(
      "deployment.apps/web configured",
    );
    expect((await kubectl.ok(inNamespace("scale", "deployment", "web", "--replicas=3"))).trim()).toBe(
      "deployment.apps/web scaled",
    );
    const json = JSON.parse(await kubectl.ok(inNamespace("get", "deployment", "web", "-o", "json"))) as {
      metadata: { generation: number };
      spec: {
        replicas: number;
        template: { spec: { containers: { name: string; image: string; ports: unknown[] }[] } };
      };
    };
    expect(json.spec.replicas).toBe(3);
    expect(json.spec.template.spec.containers).toEqual([
      expect.objectContaining({
        name: "web",
        image: "nginx:1.28",
        ports: [expect.objectContaining({ containerPort: 80 })],
      }),
    ]);
    expect(json.metadata.generation).toBeGreaterThanOrEqual(3);
    await kubectl.ok(inNamespace("scale", "deployment", "web", "--replicas=2", "--current-replicas=3"));
    expect(await kubectl.ok(inNamespace("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"))).toBe("2");
    const table = await kubectl.ok(inNamespace("get", "deployments", "-o", "wide"));
    const [header, row] = table.trim().split("\n");
    expect(header!.split(/\s{2,}/)).toEqual([
      "NAME",
      "READY",
      "UP-TO-DATE",
      "AVAILABLE",
      "AGE",
      "CONTAINERS",
      "IMAGES",
      "SELECTOR",
    ]);
    expect(row).toMatch(/^web\s+\d+\/2\s+\d+\s+\d+\s+\S+\s+web\s+nginx:1\.28\s+app=web$/);
    expect(await kubectl.ok(inNamespace("get", "all", "-o", "name"))).toContain("deployment.apps/web\n");
  });

  it("re-applies a Deployment with a strategic merge patch that removes a container and an env var", async () => {
    const manifest = (containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: multi}
spec:
  replicas: 1
  selector: {matchLabels: {app: multi}}
  template:
    metadata: {labels: {app: multi}}
    spec:
      containers:
${containers}`;
    const web = (image: string, env: string) => `      - name: web\n        image: ${image}\n        env: ${env}\n`;
    await kubectl.ok(inNamespace("apply", "-f", "-"), {
      input: manifest(
        `${web("nginx:1.27", '[{name: A, value: "1"}, {name: B, value: ' + '"2"}]')}      - {name: sidecar, image: ` +
          `envoy:1}\n`,
      ),
    });
    await kubectl.ok(inNamespace("apply", "-f", "-"), {
      input: manifest(web("nginx:1.28", '[{name: B, value: "3"}]')),
    });
    type Containers = { name: string; image: string; env?: { name: string; value: string }[] }[];
    const containers = async () =>
      JSON.parse(
        await kubectl.ok(inNamespace("get", "deployment", "multi", "-o", "jsonpath={.spec.template.spec.containers}")),
      ) as Containers;
    expect((await containers()).map(({ name, image, env }) => ({ name, image, env }))).toEqual([
      { name: "web", image: "nginx:1.28", env: [{ name: "B", value: "3" }] },
    ]);
    await kubectl.ok(
      inNamespace(
        "patch",
        "deployment",
        "multi",
        "-p",
        '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:2"}]}}}}',
      ),
    );
    expect((await containers()).map(({ name, image }) => `${name}=${image}`).sort()).toEqual([
      "sidecar=envoy:2",
      "web=nginx:1.28",
    ]);
  });

  it("applies server-side, reports a conflict with another manager, and forces it", async () => {
    const manifest = (fn: string) =>
      `apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: applied-server-side}\nspec: ` +
      `{function: ${fn}, arguments: {orderId: "7"}}\n`;
    expect(
      (await kubectl.ok(inNamespace("apply", "--server-side", "-f", "-"), { input: manifest("processOrder") })).trim(),
    ).toBe("execution.kontinue.cloud/applied-server-side serverside-applied");
    const conflict = await kubectl.run(
      inNamespace("apply", "--server-side", "--field-manager=conformance", "-f", "-"),
      { input: manifest("chargeCard") },
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.function');
    expect(
      await kubectl.ok(inNamespace("get", "execution", "applied-server-side", "-o", "jsonpath={.spec.function}")),
    ).toBe("processOrder");
    await kubectl.ok(
      inNamespace("apply", "--server-side", "--field-manager=conformance", "--force-conflicts", "-f", "-"),
      { input: manifest("chargeCard") },
    );
    const json = JSON.parse(
      await kubectl.ok(inNamespace("get", "execution", "applied-server-side", "-o", "json", "--show-managed-fields")),
    ) as {
      spec: { function: string };
      metadata: {
        managedFields: { manager: string; operation: string; fieldsV1: { "f:spec"?: Record<string, unknown> } }[];
      };
    };
    expect(json.spec.function).toBe("chargeCard");
    const owners = Object.fromEntries(json.metadata.managedFields.map((entry) => [entry.manager, entry]));
    expect(owners.conformance).toMatchObject({
      operation: "Apply",
      fieldsV1: { "f:spec": expect.objectContaining({ "f:function": {} }) },
    });
    expect(owners.kubectl?.fieldsV1["f:spec"] ?? {}).not.toHaveProperty("f:function");
    const clientSide = await kubectl.run(inNamespace("apply", "--server-side", "-f", "-"), {
      input: seedExecution.replace("processOrder", "chargeCard").replace(/^status:.*$/m, ""),
    });
    expect(clientSide.code).not.toBe(0);
    expect(clientSide.stderr).toContain('conflict with "kubectl-client-side-apply"');
    expect(clientSide.stderr).toContain(".spec.function");
  });

  it("deletes an owner and garbage-collects its dependents", async () => {
    await kubectl.ok(inNamespace("apply", "-f", "-"), {
      input:
        "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: owner}\nspec: {function: " +
        "processOrder}\n",
    });
    const uid = await kubectl.ok(inNamespace("get", "execution", "owner", "-o", "jsonpath={.metadata.uid}"));
    const owner = `{apiVersion: kontinue.cloud/v1alpha1, kind: Execution, name: owner, uid: ${uid}}`;
    const ownerReference = `ownerReferences: [${owner}]`;
    await kubectl.ok(inNamespace("apply", "-f", "-"), {
      input: [
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dependent, ${ownerReference}}\ndata: {a: "1"}`,
        `apiVersion: kontinue.cloud/v1alpha1\nkind: Suspension\nmetadata: {name: ` +
          `owner-sleep, ${ownerReference}}\nspec: {execution: owner, reason: Sleep, until: "2030-01-01T00:00:00Z"}`,
      ].join("\n---\n"),
    });
    expect(await kubectl.ok(inNamespace("get", "configmap", "dependent", "-o", "name"))).toBe("configmap/dependent\n");
    expect((await kubectl.ok(inNamespace("delete", "execution", "owner"))).trim()).toBe(
      'execution.kontinue.cloud "owner" deleted',
    );
    await kubectl.ok(
      inNamespace("wait", "--for=delete", "configmap/dependent", "suspension/owner-sleep", "--timeout=60s"),
    );
    expect(
      await kubectl.ok(
        inNamespace(
          "get",
          "configmaps,suspensions",
          "--field-selector",
          "metadata.name!=kube-root-ca.crt",
          "-o",
          "name",
        ),
      ),
    ).toBe("");
  });

  it("orphans dependents with --cascade=orphan and deletes them first with --cascade=foreground", async () => {
    const owner = async () => {
      await kubectl.ok(inNamespace("apply", "-f", "-"), {
        input:
          "apiVersion: kontinue.cloud/v1alpha1\nkind: Execution\nmetadata: {name: cascade-owner}\nspec: {function: " +
          "processOrder}\n",
      });
      const uid = await kubectl.ok(inNamespace("get", "execution", "cascade-owner", "-o", "jsonpath={.metadata.uid}"));
      await kubectl.ok(inNamespace("apply", "-f", "-"), {
        input:
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cascade-dependent, ownerReferences: [{apiVersion: ` +
          `kontinue.cloud/v1alpha1, kind: Execution, name: cascade-owner, uid: ${uid}}]}\ndata: {a: "1"}\n`,
      });
    };
    await owner();
    await kubectl.ok(inNamespace("delete", "execution", "cascade-owner", "--cascade=orphan", "--timeout=60s"));
    expect(
      await kubectl.ok(
        inNamespace("get", "configmap", "cascade-dependent", "-o", "jsonpath={.metadata.ownerReferences}"),
      ),
    ).toBe("");
    await kubectl.ok(inNamespace("delete", "configmap", "cascade-dependent"));
    await owner();
    await kubectl.ok(inNamespace("delete", "execution", "cascade-owner", "--cascade=foreground", "--timeout=60s"));
    const left = await kubectl.run(inNamespace("get", "configmap", "cascade-dependent", "-o", "name"));
    expect(left.code).not.toBe(0);
    expect(left.stderr).toContain('configmaps "cascade-dependent" not found');
  });

  it("serves a user's CRD, validates and defaults its objects, and removes them with the CRD", async () => {
    expect((await kubectl.ok(["apply", "-f", "-"], { input: userCrd })).trim()).toBe(
      `customresourcedefinition.apiextensions.k8s.io/crontabs.${userGroup} created`,
    );
    await kubectl.ok(["wait", "--for", "condition=established", "--timeout=60s", `crd/crontabs.${userGroup}`]);
    const cronTab = (name: string, spec: string) =>
      `apiVersion: ${userGroup}/v1\nkind: CronTab\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
    await kubectl.ok(inNamespace("apply", "-f", "-"), {
      input: cronTab("my-cron", '{cronSpec: "* * * * */5", image: my-cron-image}'),
    });
    const table = await kubectl.ok(inNamespace("get", `crontabs.${userGroup}`));
    expect(table.trim().split("\n")).toEqual([
      expect.stringMatching(/^NAME\s+SPEC\s+REPLICAS$/),
      expect.stringMatching(/^my-cron\s+\* \* \* \* \*\/5\s+1$/),
    ]);
    expect(await kubectl.ok(inNamespace("get", `ct${suffix}`, "my-cron", "-o", "jsonpath={.spec.replicas}"))).toBe("1");
    const invalid = await kubectl.run(inNamespace("apply", "-f", "-"), { input: cronTab("bad-cron", "{replicas: 0}") });
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain(
      "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
    );
    await kubectl.ok(["delete", "customresourcedefinition", `crontabs.${userGroup}`, "--timeout=60s"]);
    const gone = await kubectl.run(inNamespace("get", `crontabs.${userGroup}`));
    expect(gone.code).not.toBe(0);
    expect(await kubectl.ok(["get", "crds", "-o", "name"])).not.toContain(userGroup);
    await kubectl.ok(["apply", "-f", "-"], { input: userCrd });
    await kubectl.ok(["wait", "--for", "condition=established", "--timeout=60s", `crd/crontabs.${userGroup}`]);
    expect(await kubectl.ok(inNamespace("get", `crontabs.${userGroup}`, "-o", "name"))).toBe("");
  });
});
