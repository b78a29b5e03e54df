import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { resolveOutputs } from "../../plan/run";

describe("resolveOutputs: the stack outputs a plan shows", () => {
  it("shows plain outputs as values and a secret output only as the placeholder", async () => {
    const outputs = await resolveOutputs({
      url: pulumi.output("https://app.example.com"),
      count: 3,
      signingKey: pulumi.secret("s3cr3t-value"),
      nested: pulumi.output({ key: pulumi.secret("inner-s3cr3t") }),
      absent: undefined,
    });
    expect(outputs).toEqual({
      url: "https://app.example.com",
      count: 3,
      signingKey: "[secret]",
      nested: "[secret]",
    });
    expect(JSON.stringify(outputs)).not.toMatch(/s3cr3t/);
  });
});
