/**
 * Secret config values stay hidden end to end: the program's own entry (`main()`, what `index.ts` runs)
 * reads config as the Pulumi CLI hands it over — decrypted values, plus the list of secret keys — and a
 * mistake in a secret value is reported by key, never by value, before any resource is created.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../components/shared/validation";
import { main } from "../../stacks/index";
import { base, service, type Values } from "../helpers/config";
import { installMocks, record } from "../helpers/pulumi";

/** `values` as Pulumi's config map (`module6:<key>` → JSON text). */
function configMap(values: Values): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [`module6:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

/** Runs the program with `config` (`secretKeys` as the CLI marks them) and returns its error and resources. */
async function run(config: Record<string, string>, secretKeys: string[]) {
  pulumi.runtime.setAllConfig(config, secretKeys);
  let error: unknown;
  const { resources } = await record(() => {
    try {
      main();
    } catch (e) {
      error = e;
    }
  });
  if (!(error instanceof ValidationError))
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  return { message: error.message, resources };
}

beforeAll(async () => {
  await installMocks({ stack: "staging" });
});

describe("secret config values in error messages", () => {
  it("never shows a value Pulumi holds as a secret, whatever rule it breaks", async () => {
    const values = base();
    values.domain = "Sampleclear-Domain.Example.com"; // breaks the schema
    values.monitoring = {
      channels: { hook: { type: "webhook", url: "http://hooks.example.com/sampleclear-hook-token" } },
      routing: { ticket: ["hook"] },
    };
    values.edge = { defaultService: "sampleclear-default" }; // breaks a rule between keys (no such service)
    values.labels = { ...values.labels, SampleclearLabel: "x" }; // a bad key is a value too
    const map = { ...configMap(values), "module6:secret-session-key": "sampleclear-session-value" };
    const secretKeys = ["module6:domain", "module6:monitoring", "module6:edge", "module6:labels"];
    const { message, resources } = await run(map, secretKeys);
    expect(message).toContain("  - module6:domain: got (secret value hidden); a lowercase DNS name");
    expect(message).toContain(
      "  - module6:monitoring.channels.hook.url: got (secret value hidden); an https URL",
    );
    expect(message).toContain(
      "  - module6:edge.defaultService: got (secret value hidden); a configured service",
    );
    expect(message).toContain("  - module6:labels.SampleclearLabel: got (secret value hidden); a label key");
    expect(message.replace("labels.SampleclearLabel", "")).not.toMatch(/sampleclear/i);
    expect(resources).toEqual([]);
  });

  it("never shows the value of an unknown key that looks secret, nor of a secret with no declaration", async () => {
    const values = base();
    service(values, "api").secretEnv = { SESSION_SIGNING_KEY: "session-key" };
    const map = {
      ...configMap(values),
      "module6:secret-session-key": "sampleclear-session-value",
      "module6:secret-ghost": "sampleclear-ghost-value",
      "module6:apiToken": "sampleclear-plain-token",
    };
    const { message, resources } = await run(map, ["module6:secret-session-key", "module6:secret-ghost"]);
    expect(message).toContain(
      '  - module6:secret-ghost: got "(value hidden)"; a value only for a secret declared',
    );
    expect(message).toContain("  - module6:apiToken: got (secret value hidden); a known key");
    expect(message).not.toMatch(/sampleclear/i);
    expect(resources).toEqual([]);
  });
});
