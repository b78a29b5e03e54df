import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { resolveOutputs } from "../../plan/run";
import { leakProbe } from "../helpers/leak-probe";

describe("resolveOutputs: the stack outputs a plan shows", () => {
  it("shows plain outputs as values and a secret output only as the placeholder", async () => {
    const signingKey = leakProbe("signing-key");
    const inner = leakProbe("inner-key");
    const outputs = await resolveOutputs({
      url: pulumi.output("https://app.example.com"),
      count: 3,
      signingKey: pulumi.secret(signingKey),
      nested: pulumi.output({ key: pulumi.secret(inner) }),
      absent: undefined,
    });
    expect(outputs).toEqual({
      url: "https://app.example.com",
      count: 3,
      signingKey: "[secret]",
      nested: "[secret]",
    });
    expect(JSON.stringify(outputs)).not.toContain(signingKey);
    expect(JSON.stringify(outputs)).not.toContain(inner);
  });
});
