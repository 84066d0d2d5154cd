import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { builtinResources, type JSONSchemaProps, type KubeObject } from "./resource-info.ts";
import { admitObject, validateObjectMeta, validateObjectName } from "./structural-schema.ts";

const schema: JSONSchemaProps = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["function"],
      properties: {
        function: { type: "string", minLength: 1, maxLength: 20, pattern: "^[a-zA-Z][a-zA-Z0-9]*$" },
        arguments: { "x-kubernetes-preserve-unknown-fields": true },
        replicas: { type: "integer", format: "int32", minimum: 0, maximum: 10 },
        concurrency: { type: "integer", default: 1 },
        mode: { type: "string", enum: ["Allow", "Forbid", "Replace"], default: "Allow" },
        until: { type: "string", format: "date-time" },
        port: { "x-kubernetes-int-or-string": true },
        tags: { type: "array", items: { type: "string" }, maxItems: 2, "x-kubernetes-list-type": "set" },
        retry: { type: "object", default: {}, properties: { maxAttempts: { type: "integer", default: 3 } } },
        template: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
        note: { type: "string", nullable: true },
        labels: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
  },
};

function execution(
  spec: Record<string, unknown>,
  metadata: KubeObject["metadata"] = { name: "process-order-abc123", namespace: "shop" },
): KubeObject {
  return { apiVersion: "kontinue.cloud/v1alpha1", kind: "Execution", metadata, spec };
}

function admit(object: KubeObject, strictFields = false) {
  return admitObject({ schema, object, kind: "Execution", group: "kontinue.cloud", strictFields });
}

function rejection(object: KubeObject, strictFields = false): ApiError {
  try {
    admit(object, strictFields);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("admitted");
}

describe("admitObject", () => {
  it("admits the seed's Execution, keeping arbitrary arguments and applying defaults", () => {
    const { object, unknownFields } = admit(
      execution({ function: "processOrder", arguments: { orderId: "12345", nested: { deep: [1, { x: null }] } } }),
    );
    expect(unknownFields).toEqual([]);
    expect(object.spec).toEqual({
      function: "processOrder",
      arguments: { orderId: "12345", nested: { deep: [1, { x: null }] } },
      concurrency: 1,
      mode: "Allow",
      retry: { maxAttempts: 3 },
    });
    expect(object.apiVersion).toBe("kontinue.cloud/v1alpha1");
    expect(object.metadata).toEqual({ name: "process-order-abc123", namespace: "shop" });
  });

  it("prunes unknown fields, including unknown metadata fields, and reports their paths", () => {
    const input = execution({ function: "f", extra: 1, retry: { maxAttempts: 2, bogus: true } }, {
      name: "x",
      weird: "y",
    } as KubeObject["metadata"]);
    (input as Record<string, unknown>).topLevel = "gone";
    const { object, unknownFields } = admit(input);
    expect(unknownFields.sort()).toEqual(["metadata.weird", "spec.extra", "spec.retry.bogus", "topLevel"]);
    expect(object).not.toHaveProperty("topLevel");
    expect(object.spec).not.toHaveProperty("extra");
    expect(object.metadata).toEqual({ name: "x" });
  });

  it("answers unknown fields with a 400 strict decoding error under fieldValidation=Strict", () => {
    const error = rejection(execution({ function: "f", foo: 1 }), true);
    expect(error.code).toBe(400);
    expect(error.message).toBe(
      'Execution in version "v1alpha1" cannot be handled as a Execution: strict decoding error: unknown field ' +
        '"spec.foo"',
    );
  });

  it("admits in place: the object it returns is its input, pruned and defaulted", () => {
    const input = execution({ function: "f", extra: 1 });
    const { object } = admit(input);
    expect(object).toBe(input);
    expect(input.spec).not.toHaveProperty("extra");
  });

  it("leaves values equal to the previous object's as stored, and admits the changed ones", () => {
    const previous = execution({ function: "f", replicas: "stored before a schema change" });
    const { object } = admitObject({
      schema,
      object: execution({ function: "f", replicas: "stored before a schema change", extra: 1 }),
      kind: "Execution",
      group: "kontinue.cloud",
      strictFields: false,
      previous,
    });
    expect(object.spec).toMatchObject({ function: "f", replicas: "stored before a schema change" });
    expect(object.spec).not.toHaveProperty("extra");
    const changed = () =>
      admitObject({
        schema,
        object: execution({ function: "f", replicas: "changed" }),
        kind: "Execution",
        group: "kontinue.cloud",
        strictFields: false,
        previous,
      });
    expect(changed).toThrow("spec.replicas in body must be of type integer");
  });

  it("reports a wrong type with kube's wording", () => {
    const error = rejection(execution({ function: "f", replicas: "string" }));
    expect(error.code).toBe(422);
    expect(error.reason).toBe("Invalid");
    expect(error.message).toBe(
      'Execution.kontinue.cloud "process-order-abc123" is invalid: spec.replicas: Invalid value: "string": ' +
        'spec.replicas in body must be of type integer: "string"',
    );
    expect(error.details?.causes).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        field: "spec.replicas",
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
    ]);
  });

  it("collects every failure: required, enum, bounds, length, pattern, format, items", () => {
    const error = rejection(
      execution({ mode: "Sometimes", replicas: 11, until: "tomorrow", tags: ["a", "b", "c"], port: true }),
    );
    const messages = (error.details?.causes ?? []).map((cause) => `${cause.field}: ${cause.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "spec.function: Required value",
        'spec.mode: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
        "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
        'spec.until: Invalid value: "tomorrow": spec.until in body must be of type date-time: "tomorrow"',
        "spec.tags: Too many: 3: must have at most 2 items",
      ]),
    );
    expect(messages.some((message) => message.startsWith("spec.port: Invalid value"))).toBe(true);
    expect(error.message).toMatch(/^Execution\.kontinue\.cloud "process-order-abc123" is invalid: \[/);
    const strings = rejection(execution({ function: "9-bad", replicas: -1 })).details?.causes?.map(
      (cause) => cause.message,
    );
    expect(strings).toEqual(
      expect.arrayContaining([
        "Invalid value: \"9-bad\": spec.function in body should match '^[a-zA-Z][a-zA-Z0-9]*$'",
        "Invalid value: -1: spec.replicas in body should be greater than or equal to 0",
      ]),
    );
    expect(rejection(execution({ function: "" })).details?.causes?.[0]?.message).toContain(
      "should be at least 1 chars long",
    );
    expect(rejection(execution({ function: "f", tags: ["a", "a"] })).details?.causes?.[0]).toMatchObject({
      reason: "FieldValueDuplicate",
      field: "spec.tags[1]",
    });
  });

  it("accepts int-or-string, RFC 3339 times, nullable nulls and typed maps", () => {
    const { object } = admit(
      execution({ function: "f", port: "http", until: "2026-01-02T03:04:05Z", note: null, labels: { a: "b" } }),
    );
    expect(object.spec).toMatchObject({ port: "http", until: "2026-01-02T03:04:05Z", note: null, labels: { a: "b" } });
    expect(admit(execution({ function: "f", port: 8080 })).object.spec).toMatchObject({ port: 8080 });
    expect(rejection(execution({ function: "f", labels: { a: 1 } })).details?.causes?.[0]?.field).toBe("spec.labels.a");
  });

  it("drops nulls of non-nullable fields, and defaults them when a default exists", () => {
    const { object } = admit(execution({ function: "f", replicas: null, mode: null }));
    expect(object.spec).not.toHaveProperty("replicas");
    expect(object.spec).toMatchObject({ mode: "Allow" });
  });

  it("keeps apiVersion, kind and metadata of an embedded resource", () => {
    const template = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: { a: "b" }, junk: 1 },
      spec: { containers: [] },
      other: 1,
    };
    const { object, unknownFields } = admit(execution({ function: "f", template }));
    expect((object.spec as Record<string, unknown>).template).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: { a: "b" } },
      spec: { containers: [] },
    });
    expect(unknownFields.sort()).toEqual(["spec.template.metadata.junk", "spec.template.other"]);
  });

  it("requires apiVersion and kind of an embedded resource and validates its metadata", () => {
    const causes =
      rejection(execution({ function: "f", template: { metadata: { name: "Bad_Name" }, spec: {} } })).details?.causes ??
      [];
    expect(causes.map((cause) => `${cause.field}: ${cause.message.slice(0, 40)}`)).toEqual([
      "spec.template.apiVersion: Required value: must not be empty",
      "spec.template.kind: Required value: must not be empty",
      'spec.template.metadata.name: Invalid value: "Bad_Name": a lowercase R',
    ]);
  });

  it("validates metadata.name as a DNS-1123 subdomain", () => {
    const error = rejection(execution({ function: "f" }, { name: "Bad_Name" }));
    expect(error.code).toBe(422);
    expect(error.message).toBe(
      `Execution.kontinue.cloud "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC ` +
        `1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with ` +
        `an alphanumeric character (e.g. 'example.com', regex used for validation is ` +
        `'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });

  it("keeps everything when the CRD has no schema", () => {
    const { object } = admitObject({
      schema: undefined,
      object: execution({ anything: { goes: 1 } }),
      kind: "Execution",
      group: "kontinue.cloud",
      strictFields: true,
    });
    expect(object.spec).toEqual({ anything: { goes: 1 } });
  });
});

describe("validateObjectMeta", () => {
  it("checks label keys and values and annotation keys as kube-apiserver does", () => {
    expect(
      validateObjectMeta({
        name: "ok",
        labels: { "kontinue.cloud/function": "process-order", empty: "" },
        annotations: { "a.b/C_d": "anything at all" },
      }),
    ).toEqual([]);
    const causes = validateObjectMeta({
      name: "ok",
      labels: { "bad key": "v", good: "bad value!" },
      annotations: { "no/pe/x": "1" },
    });
    expect(causes.map((cause) => `${cause.field}: ${cause.message}`)).toEqual([
      expect.stringMatching(
        /^metadata\.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/,
      ),
      expect.stringMatching(
        /^metadata\.labels: Invalid value: "bad value!": a valid label must be an empty string or consist of/,
      ),
      expect.stringMatching(
        /^metadata\.annotations: Invalid value: "no\/pe\/x": name part must consist of alphanumeric characters/,
      ),
    ]);
    expect(validateObjectMeta({ annotations: { big: "x".repeat(262_145) } })).toEqual([
      {
        reason: "FieldValueTooLong",
        field: "metadata.annotations",
        message: "Too long: must have at most 262144 bytes",
      },
    ]);
  });

  it("makes admitObject answer bad labels with 422", () => {
    const error = rejection(execution({ function: "f" }, { name: "x", labels: { a: "-no-" } }));
    expect(error.code).toBe(422);
    expect(error.details?.causes?.[0]?.field).toBe("metadata.labels");
  });
});

describe("validateObjectName", () => {
  it("accepts DNS-1123 subdomains and explains everything else", () => {
    expect(validateObjectName("process-order.v2")).toEqual([]);
    expect(validateObjectName("-bad")).toHaveLength(1);
    expect(validateObjectName("UPPER")[0]).toMatchObject({ field: "metadata.name", reason: "FieldValueInvalid" });
    expect(validateObjectName("a".repeat(254)).map((cause) => cause.message)).toContain(
      `Invalid value: "${"a".repeat(254)}": must be no more than 253 characters`,
    );
  });
});

describe("admitObject for built-in kinds", () => {
  const deploymentInfo = builtinResources.find((info) => info.kind === "Deployment")!;
  const deployment = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web" } },
    spec,
  });
  const validSpec = {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx",
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: 1, memory: "64Mi" }, requests: { cpu: 0.5 } },
          },
        ],
      },
    },
  };
  const admitDeployment = (object: KubeObject, strictFields = false) =>
    admitObject({
      schema: deploymentInfo.schema,
      object: structuredClone(object),
      kind: "Deployment",
      group: "apps",
      strictFields,
    });

  it("admits a typical Deployment unchanged", () => {
    const input = deployment(validSpec);
    expect(admitDeployment(input)).toEqual({ object: input, unknownFields: [] });
  });

  it("finds misspelt fields, which kubectl's fieldValidation=Strict turns into a 400", () => {
    const typo = deployment({ ...validSpec, replica: 3 });
    expect(admitDeployment(typo).unknownFields).toEqual(["spec.replica"]);
    expect(() => admitDeployment(typo, true)).toThrow(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field ' +
        '"spec.replica"',
    );
  });

  it("requires the selector and template, and names on containers", () => {
    let error: unknown;
    try {
      admitDeployment(deployment({ template: { spec: { containers: [{ image: "nginx" }] } } }));
    } catch (caught) {
      error = caught;
    }
    expect((error as ApiError).details?.causes?.map((cause) => `${cause.field}: ${cause.message}`)).toEqual(
      expect.arrayContaining([
        "spec.selector: Required value",
        "spec.template.spec.containers[0].name: Required value",
      ]),
    );
  });
});
