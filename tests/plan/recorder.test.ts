/**
 * The plan recorder's handling of secrets: a value in Pulumi's wire format becomes plain JSON, and a secret
 * never survives as its value — not in inputs, not in outputs, not inside an output value flagged secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { plainValue } from "../../plan/record";
import { installMocks, record } from "../helpers/pulumi";

// Pulumi's wire-format signatures, from the SDK that defines them (@pulumi/pulumi runtime/rpc.ts, the
// same in every SDK language; tests/sdk-internals.test.ts pins the SDK version).
const SIG = pulumi.runtime.specialSigKey;
const SECRET = pulumi.runtime.specialSecretSig;
const RESOURCE = pulumi.runtime.specialResourceSig;
const OUTPUT = pulumi.runtime.specialOutputValueSig;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const CLEAR = "sampleclear-in-clear";

/** A custom resource of a made-up type: the mocks answer it with its inputs. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

describe("plainValue", () => {
  it.each([
    { what: "a secret", wire: { [SIG]: SECRET, value: CLEAR }, plain: "[secret]" },
    { what: "a secret object", wire: { [SIG]: SECRET, value: { password: CLEAR } }, plain: "[secret]" },
    {
      what: "an output value flagged secret",
      wire: { [SIG]: OUTPUT, value: CLEAR, secret: true },
      plain: "[secret]",
    },
    {
      what: "an unknown output value flagged secret",
      wire: { [SIG]: OUTPUT, secret: true, dependencies: ["urn:a"] },
      plain: "[secret]",
    },
    {
      what: "an output value holding a secret",
      wire: { [SIG]: OUTPUT, value: { [SIG]: SECRET, value: CLEAR } },
      plain: "[secret]",
    },
    {
      what: "secrets inside objects and lists",
      wire: {
        list: ["a", { [SIG]: SECRET, value: CLEAR }],
        nested: { key: { [SIG]: SECRET, value: CLEAR } },
      },
      plain: { list: ["a", "[secret]"], nested: { key: "[secret]" } },
    },
    { what: "a known output value", wire: { [SIG]: OUTPUT, value: "shown", secret: false }, plain: "shown" },
    { what: "an unknown output value", wire: { [SIG]: OUTPUT, dependencies: [] }, plain: "[unknown]" },
    { what: "the unknown sentinel", wire: { name: UNKNOWN }, plain: { name: "[unknown]" } },
    {
      what: "a resource reference",
      wire: { [SIG]: RESOURCE, urn: "urn:pulumi:s::p::t::n", id: "n-id" },
      plain: "urn:pulumi:s::p::t::n",
    },
    {
      what: "plain values",
      wire: { n: 1, b: false, s: "x", gone: undefined },
      plain: { n: 1, b: false, s: "x" },
    },
  ])("turns $what into plain JSON", ({ wire, plain }) => {
    const result = plainValue(wire);
    expect(result).toEqual(plain);
    expect(JSON.stringify(result)).not.toContain(CLEAR);
  });
});

describe("PlanRecorder", () => {
  beforeAll(async () => {
    await installMocks();
  });

  it("records a secret input, and the output the mock echoes from it, as [secret]", async () => {
    const { resources } = await record(
      () =>
        new Thing("credential", {
          password: pulumi.secret(CLEAR),
          user: "admin",
        }),
    );
    const [credential] = resources;
    expect(credential?.inputs).toEqual({ password: "[secret]", user: "admin" });
    expect(credential?.outputs).toMatchObject({ password: "[secret]", user: "admin" });
    expect(JSON.stringify(resources)).not.toContain(CLEAR);
  });

  it("records the options the engine sees: parent, protect, dependencies, additional secret outputs", async () => {
    const { resources } = await record(() => {
      const parent = new pulumi.ComponentResource("test:index:Group", "group");
      const first = new Thing("first", {}, { parent });
      return new Thing(
        "second",
        { token: "t" },
        { parent, protect: true, dependsOn: [first], additionalSecretOutputs: ["token"] },
      );
    });
    const second = resources.find((r) => r.name === "second");
    expect(second).toMatchObject({
      parent: "urn:pulumi:test::module6::test:index:Group::group",
      protect: true,
      dependencies: ["urn:pulumi:test::module6::test:index:Group$test:index:Thing::first"],
      additionalSecretOutputs: ["token"],
    });
  });
});
