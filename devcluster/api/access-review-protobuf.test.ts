import { describe, expect, it } from "vitest";
import { decodeAccessReviewProtobuf } from "./access-review-protobuf.ts";

/** A length-delimited protobuf field (small lengths only, as these test messages are). */
const field = (number: number, value: Buffer | string) => {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
};

describe("decodeAccessReviewProtobuf", () => {
  it("reads what kubectl auth can-i sends: the envelope, type meta and resource attributes", () => {
    const attributes = Buffer.concat([
      field(1, "shop"),
      field(2, "update"),
      field(3, "kontinue.cloud"),
      field(5, "executions"),
      field(6, "status"),
      field(7, "x"),
    ]);
    const review = Buffer.concat([field(1, Buffer.alloc(0)), field(2, field(1, attributes))]);
    const typeMeta = Buffer.concat([field(1, "authorization.k8s.io/v1"), field(2, "SelfSubjectAccessReview")]);
    const body = Buffer.concat([Buffer.from("k8s\0", "latin1"), field(1, typeMeta), field(2, review)]);
    expect(decodeAccessReviewProtobuf(body)).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: {
          namespace: "shop",
          verb: "update",
          group: "kontinue.cloud",
          resource: "executions",
          subresource: "status",
          name: "x",
        },
      },
    });
  });

  it("refuses a body without the k8s envelope", () => {
    expect(() => decodeAccessReviewProtobuf(Buffer.from("{}"))).toThrow("k8s\\0 envelope");
  });
});
