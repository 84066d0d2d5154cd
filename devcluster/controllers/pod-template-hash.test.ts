import { describe, expect, it } from "vitest";
import { podTemplateHash } from "./pod-template-hash.ts";

describe("podTemplateHash", () => {
  const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "a:1" }] } };

  it("is stable across key order and uses only kube's safe alphabet", () => {
    const reordered = { spec: { containers: [{ image: "a:1", name: "web" }] }, metadata: { labels: { app: "web" } } };
    expect(podTemplateHash(template)).toBe(podTemplateHash(reordered));
    expect(podTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it("changes with the template and with the collision count", () => {
    expect(podTemplateHash({ ...template, spec: { containers: [{ name: "web", image: "a:2" }] } })).not.toBe(
      podTemplateHash(template),
    );
    expect(podTemplateHash(template, 1)).not.toBe(podTemplateHash(template));
  });
});
