import { describe, expect, it } from "vitest";
import { jsonBlob, type FunctionImage, type ImagePublisher, type PublishedImage } from "../builder/index.ts";
import type { FunctionResource } from "../crds/index.ts";
import { DeployedImagePublisher } from "./deployed-image-publisher.ts";

const target = { registry: "127.0.0.1:5000", prefix: "fns" };

/** The parts of an image the wrapper reads; its root is a real blob, so the digest is one a build would give. */
function image(resourceName: string, content: string): FunctionImage {
  return { functionName: resourceName, resourceName, root: jsonBlob({ content }, "application/json") } as FunctionImage;
}

function digestOf(fnImage: FunctionImage): string {
  return fnImage.root.descriptor.digest;
}

function running(
  name: string,
  reference: string,
  state: { ready?: "True" | "False"; generation?: number; observedGeneration?: number } = {},
): FunctionResource {
  return {
    apiVersion: "kontinue.cloud/v1alpha1",
    kind: "Function",
    metadata: { name, namespace: "default", generation: state.generation ?? 1 },
    spec: { functionName: name, image: reference },
    status: {
      observedGeneration: state.observedGeneration ?? 1,
      conditions: [{ type: "Ready", status: state.ready ?? "True", reason: "Ready", message: "" }],
    },
  } as FunctionResource;
}

/** An inner publisher that records what it was asked to publish. */
function recording(): ImagePublisher & { published: string[]; finished: number } {
  const inner = {
    published: [] as string[],
    finished: 0,
    async publish(fnImage: FunctionImage): Promise<PublishedImage> {
      inner.published.push(fnImage.resourceName);
      const digest = digestOf(fnImage);
      return { functionName: fnImage.functionName, reference: `pushed/${fnImage.resourceName}@${digest}`, digest };
    },
    async finish(): Promise<void> {
      inner.finished += 1;
    },
  };
  return inner;
}

describe("DeployedImagePublisher", () => {
  it("does not publish an image a Ready Function runs from the same registry, repository and digest", async () => {
    const greet = image("greet", "v1");
    const inner = recording();
    const reference = `127.0.0.1:5000/fns/greet@${digestOf(greet)}`;
    const publisher = new DeployedImagePublisher({ publisher: inner, target, deployed: [running("greet", reference)] });
    expect(await publisher.publish(greet)).toEqual({ functionName: "greet", reference, digest: digestOf(greet) });
    await publisher.finish();
    expect(inner.published).toEqual([]);
    expect(inner.finished).toBe(1);
  });

  it("publishes a changed image: the Function runs another digest", async () => {
    const before = image("greet", "v1");
    const changed = image("greet", "v2");
    const inner = recording();
    const deployed = [running("greet", `127.0.0.1:5000/fns/greet@${digestOf(before)}`)];
    const publisher = new DeployedImagePublisher({ publisher: inner, target, deployed });
    expect((await publisher.publish(changed)).reference).toBe(`pushed/greet@${digestOf(changed)}`);
    expect(inner.published).toEqual(["greet"]);
  });

  it("publishes the same digest to another registry or prefix, which may not have it", async () => {
    const greet = image("greet", "v1");
    const inner = recording();
    const deployed = [running("greet", `127.0.0.1:5000/fns/greet@${digestOf(greet)}`)];
    for (const other of [
      { registry: "127.0.0.1:5001", prefix: "fns" },
      { registry: "127.0.0.1:5000", prefix: "team" },
    ])
      await new DeployedImagePublisher({ publisher: inner, target: other, deployed }).publish(greet);
    expect(inner.published).toEqual(["greet", "greet"]);
  });

  it("publishes when the Function is not Ready or the controller has not seen its last generation", async () => {
    const greet = image("greet", "v1");
    const reference = `127.0.0.1:5000/fns/greet@${digestOf(greet)}`;
    for (const state of [{ ready: "False" as const }, { generation: 3, observedGeneration: 2 }]) {
      const inner = recording();
      const deployed = [running("greet", reference, state)];
      await new DeployedImagePublisher({ publisher: inner, target, deployed }).publish(greet);
      expect(inner.published).toEqual(["greet"]);
    }
  });

  it("publishes a Function the namespace does not have, even when another one runs the same digest", async () => {
    const farewell = image("farewell", "v1");
    const inner = recording();
    const deployed = [running("greet", `127.0.0.1:5000/fns/greet@${digestOf(farewell)}`)];
    await new DeployedImagePublisher({ publisher: inner, target, deployed }).publish(farewell);
    expect(inner.published).toEqual(["farewell"]);
  });
});
