import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueBucketName } from "../../components/shared/bucket-name";
import { EnvironmentNaming } from "../../stacks/naming";
import { installMocks, onlyOfType, record, valueOf } from "../helpers/pulumi";

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:Holder", name, {});
  }
}

beforeAll(async () => {
  await installMocks();
});

describe("uniqueBucketName", () => {
  it("appends a random suffix kept by the name prefix", async () => {
    const { result, resources } = await record(() =>
      uniqueBucketName("site", "assets", new EnvironmentNaming("m6", "prod"), new Holder("h1")),
    );
    const suffix = onlyOfType(resources, "random:index/randomId:RandomId");
    expect(suffix.inputs).toEqual({ byteLength: 4, keepers: { prefix: "m6-prod-assets" } });
    const name = await valueOf(result);
    expect(name).toMatch(/^m6-prod-assets-[0-9a-f]{8}$/);
  });

  it("stays within 63 characters, without 'goog', for hostile names", async () => {
    const long = `Google-${"ü".repeat(40)}-${"x".repeat(80)}`;
    const { result } = await record(() =>
      uniqueBucketName("site2", long, new EnvironmentNaming("m6", "f-very-long-br"), new Holder("h2")),
    );
    const name = await valueOf(result);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z][a-z0-9-]*[0-9a-f]{8}$/);
    expect(name).not.toContain("goog");
  });
});
