import { readFile } from "node:fs/promises";
import { describe, expect, expectTypeOf, it } from "vitest";
import { parse } from "yaml";
import type { Execution, ExecutionPhase, FunctionSpec, JournalEntry, SchemaType, SuspensionReason } from "./index.ts";
import { crdManifests, toResourceName } from "./index.ts";
import { renderCrdFiles } from "./render-crd-files.ts";

describe("CRD manifests", () => {
  it("the committed crds/*.yaml are what the schemas generate (run `npm run crds:generate`)", async () => {
    for (const [name, text] of renderCrdFiles()) {
      const committed = await readFile(new URL(name, import.meta.url), "utf8");
      expect(committed, `crds/${name} is stale`).toBe(text);
      expect(parse(committed)).toEqual(
        JSON.parse(JSON.stringify(crdManifests.find((c) => name.includes(`_${c.spec.names.plural}.`)))),
      );
    }
  });

  it("every schema is structural: each field has a type unless it preserves unknown fields", () => {
    const untyped: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string) => {
      if (schema.type === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) untyped.push(path);
      for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>))
        walk(child, `${path}.${name}`);
      if (schema.items) walk(schema.items as Record<string, unknown>, `${path}[]`);
    };
    for (const crd of crdManifests)
      walk(crd.spec.versions[0]!.schema.openAPIV3Schema as Record<string, unknown>, crd.spec.names.kind);
    expect(untyped).toEqual([]);
  });

  it("every kind is in the kontinue category, has a status subresource and short names", () => {
    for (const crd of crdManifests) {
      expect(crd.spec.names.categories).toContain("kontinue");
      expect(crd.spec.versions[0]!.subresources.status).toEqual({});
      expect(crd.spec.names.shortNames.length).toBeGreaterThan(0);
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.kontinue.cloud`);
    }
  });
});

describe("types derived from the schemas", () => {
  it("map enums to unions, required fields to required properties, JSON payloads to unknown", () => {
    expectTypeOf<ExecutionPhase>().toEqualTypeOf<
      "Pending" | "Executing" | "Suspended" | "Completed" | "Failed" | "Cancelled"
    >();
    expectTypeOf<SuspensionReason>().toEqualTypeOf<"Sleep" | "Poll" | "Execute" | "Signal" | "NonDeterminism">();
    expectTypeOf<Execution["spec"]["function"]>().toEqualTypeOf<string>();
    expectTypeOf<Execution["spec"]["arguments"]>().toEqualTypeOf<unknown>();
    expectTypeOf<FunctionSpec["image"]>().toEqualTypeOf<string>();
    expectTypeOf<FunctionSpec["concurrency"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<JournalEntry["kind"]>().toEqualTypeOf<
      "store" | "sleep" | "execute" | "poll" | "signal" | "now" | "random"
    >();
    expectTypeOf<SchemaType<{ type: "string"; nullable: true }>>().toEqualTypeOf<string | null>();
    expectTypeOf<SchemaType<{ type: "array"; items: { type: "integer" } }>>().toEqualTypeOf<number[]>();
  });
});

describe("toResourceName", () => {
  it.each([
    ["processOrder", "process-order"],
    ["chargeCard", "charge-card"],
    ["hello", "hello"],
    ["HTTPServer", "http-server"],
    ["send_email", "send-email"],
    ["v2Import", "v2-import"],
  ])("%s → %s", (functionName, resourceName) => {
    expect(toResourceName(functionName)).toBe(resourceName);
  });
});
