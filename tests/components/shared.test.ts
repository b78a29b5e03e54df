import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { validateProjectServicesArgs } from "../../components/project-services";
import { validateSecretSetArgs } from "../../components/secret-set";
import { grantKey } from "../../components/shared/grants";
import { parseImage } from "../../components/shared/image";
import { logicalKey } from "../../components/shared/logical-name";
import { Problems, ValidationError, show } from "../../components/shared/validation";
import { commonArgs } from "../helpers/pulumi";

describe("logical names", () => {
  it("keeps clean parts readable and separates parts that fold to the same text", () => {
    expect(logicalKey(["documents", "ownerId-asc"])).toBe("documents-ownerid-asc");
    const dotted = logicalKey(["carts", "meta.expireAt"]);
    const underscored = logicalKey(["carts", "meta_expireAt"]);
    expect(dotted).toMatch(/^carts-meta-expireat-[0-9a-f]{6}$/);
    expect(underscored).toMatch(/^carts-meta-expireat-[0-9a-f]{6}$/);
    expect(dotted).not.toBe(underscored);
  });

  it("derives distinct grant keys from members that differ only in punctuation", () => {
    expect(grantKey("user:a.b@x.com", undefined, "t")).not.toBe(grantKey("user:a-b@x.com", undefined, "t"));
    expect(grantKey("user:a.b@x.com", "reviewer", "t")).toBe("reviewer");
    expect(() => grantKey(pulumi.output("user:a@x.com"), undefined, "Thing.grant")).toThrow(
      /Thing\.grant: a member that is an output needs a stable key/,
    );
  });

  it("refuses two APIs whose resource names would collide", () => {
    expect(() =>
      validateProjectServicesArgs({ project: "p", apis: ["a-b.googleapis.com", "a.b.googleapis.com"] }),
    ).toThrow(
      /apis\[1\]: got "a\.b\.googleapis\.com"; an API whose resource name \(a-b\) is not already taken/,
    );
  });

  it("refuses secret values for secrets another stack owns", () => {
    expect(() =>
      validateSecretSetArgs({
        ...commonArgs(),
        secrets: { token: {} },
        values: { token: pulumi.secret("v") },
        existingIds: { token: "projects/p/secrets/t" },
      }),
    ).toThrow(/values: got \["token"\]; no values when existingIds is set/);
  });
});

describe("image references", () => {
  it.each([
    ["asia-northeast3-docker.pkg.dev/p/r/api:1.2.3", { tag: "1.2.3" }],
    ["localhost:5000/api:dev", { tag: "dev" }],
    [`gcr.io/p/api@sha256:${"a".repeat(64)}`, { digest: "a".repeat(64) }],
    [`gcr.io/p/api:1.0@sha256:${"b".repeat(64)}`, { tag: "1.0", digest: "b".repeat(64) }],
  ])("parses %s", (ref, expected) => {
    expect(parseImage(ref)).toEqual(expected);
  });

  it.each(["gcr.io/p/api", "API:1", "gcr.io/p/api:", "gcr.io/p/api@sha256:123", "", "gcr.io//api:1"])(
    "rejects %j",
    (ref) => {
      expect(parseImage(ref)).toBeUndefined();
    },
  );
});

describe("validation errors", () => {
  it("collects every problem into one RunError that names path, value and what is allowed", () => {
    const problems = new Problems("Thing");
    problems.check(false, "a", 1, "at least 2");
    problems.check(true, "b", 2, "unused");
    problems.check(false, "c", "x".repeat(200), "short");
    let caught: unknown;
    try {
      problems.throwIfAny();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toBeInstanceOf(pulumi.RunError);
    const error = caught as ValidationError;
    expect(error.problems.map((p) => p.path)).toEqual(["a", "c"]);
    expect(error.message).toBe(
      `Thing: 2 problems\n  - a: got 1; at least 2\n  - c: got "${"x".repeat(40)}…${"x".repeat(39)}"; short`,
    );
  });

  it("checks membership in a list, naming the list or the given rule", () => {
    const problems = new Problems("Thing");
    expect(problems.oneOf("tier", "BASIC", ["BASIC", "STANDARD_HA"])).toBe(true);
    expect(problems.oneOf("tier", "GOLD", ["BASIC", "STANDARD_HA"])).toBe(false);
    expect(problems.oneOf("mode", "x", ["a", "b"], "a or b")).toBe(false);
    expect(() => problems.throwIfAny()).toThrow(
      'Thing: 2 problems\n  - tier: got "GOLD"; one of BASIC, STANDARD_HA\n  - mode: got "x"; a or b',
    );
  });

  it("renders outputs and missing values without evaluating them", () => {
    expect(show(undefined)).toBe("nothing");
    expect(show(pulumi.output("x"))).toBe("an output");
    expect(show({ a: 1 })).toBe('{"a":1}');
  });

  it("shortens a long value in the middle, so that its end (often the mistake) stays visible", () => {
    const image = `asia-northeast3-docker.pkg.dev/module6-staging-000000/m6-staging-containers/api-gateway:latest`;
    expect(show(image)).toBe(
      '"asia-northeast3-docker.pkg.dev/module6-s…6-staging-containers/api-gateway:latest"',
    );
    expect(show(image).length).toBe(82);
  });
});
