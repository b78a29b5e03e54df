/**
 * `vpcEgress: true` with the project's own network (`module6:network`, no `vpc` block): Direct VPC egress
 * into this project's subnet of each region the service runs in, without the cache's environment.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { PlanResult } from "../../plan/run";
import { PLAN_WAIT_MS, planOf } from "../helpers/shared-plans";
import { privateEgress, runTemplate } from "../helpers/stack";

const ROOT = resolve(__dirname, "../..");
let plan: PlanResult;

beforeAll(async () => {
  // Pulumi.staging.yaml with api sending its private-range traffic through the project's VPC.
  const doc = parse(readFileSync(join(ROOT, "Pulumi.staging.yaml"), "utf8")) as {
    config: Record<string, Record<string, Record<string, unknown>>>;
  };
  const services = doc.config["module6:services"];
  if (services?.api === undefined) throw new Error("Pulumi.staging.yaml has no api service");
  services.api.vpcEgress = true;
  const file = join(mkdtempSync(join(tmpdir(), "egress-")), "Pulumi.staging.yaml");
  writeFileSync(file, stringify(doc));
  plan = await planOf("staging", { configFile: file });
}, PLAN_WAIT_MS);

describe("vpcEgress through module6:network", () => {
  it("gives api the project's subnet and no cache", () => {
    const api = plan.resources.find(
      (r) => r.type === "gcp:cloudrunv2/service:Service" && r.inputs.name === "m6-staging-api",
    );
    const { vpcAccess, envs } = runTemplate(api);
    expect(vpcAccess).toEqual(privateEgress("module6-staging-000000", "m6-staging-vpc", "asia-northeast3"));
    expect(envs).not.toHaveProperty("REDIS_HOST");
  });
});
