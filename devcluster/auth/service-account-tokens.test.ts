import { describe, expect, it } from "vitest";
import { ServiceAccountTokens } from "./service-account-tokens.ts";

describe("ServiceAccountTokens", () => {
  it("verifies the tokens it issued and nothing else", () => {
    const tokens = new ServiceAccountTokens("secret");
    const token = tokens.issue({ namespace: "shop", name: "worker" });
    expect(tokens.verify(token)).toEqual({ namespace: "shop", name: "worker" });
    expect(new ServiceAccountTokens("other").verify(token)).toBeUndefined();
    const [head, , signature] = token.split(".");
    expect(tokens.verify(`${head}.${Buffer.from("shop:admin").toString("base64url")}.${signature}`)).toBeUndefined();
    expect(tokens.verify("secret")).toBeUndefined();
  });
});
