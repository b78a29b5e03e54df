/** The document `npm run audit` reads: every malformed shape is one message naming the resource and the key. */
import { describe, expect, it } from "vitest";
import { exportResourcesOf } from "../../plan/audit-input";

const URN = "urn:pulumi:prod::module6::gcp:storage/bucket:Bucket::b";

describe("exportResourcesOf", () => {
  it.each([
    [{ version: 3, checkpoint: {} }, /^f\.json: not a stack export: expected \{ "version": 3, "deployment"/],
    [{ deployment: { resources: {} } }, /^f\.json: not a stack export/],
    [["nope"], "f.json: resource #0 is not an object"],
    [[{ type: "x" }], 'f.json: resource #0 has no "urn" (a string starting with urn:pulumi:)'],
    [[{ urn: "bucket", type: "x" }], 'f.json: resource #0 has no "urn" (a string starting with urn:pulumi:)'],
    [[{ urn: URN }], `f.json: resource #0 (${URN}) has no "type"`],
    [[{ urn: URN, type: "" }], `f.json: resource #0 (${URN}) has no "type"`],
    [
      [{ urn: URN, type: "t", inputs: [] }],
      `f.json: resource #0 (${URN}) has "inputs" that is not an object`,
    ],
    [
      [{ urn: URN, type: "t", propertyDependencies: "x" }],
      `f.json: resource #0 (${URN}) has "propertyDependencies" that is not an object`,
    ],
    [
      [{ urn: URN, type: "t", dependencies: {} }],
      `f.json: resource #0 (${URN}) has "dependencies" that is not an array`,
    ],
  ])("refuses %j", (doc, message) => {
    expect(() => exportResourcesOf(doc, "f.json")).toThrow(message);
  });

  it("refuses a document without a resource to check, or of another version, unless allowed", () => {
    const stackOnly = { urn: "urn:pulumi:p::m::pulumi:pulumi:Stack::m-p", type: "pulumi:pulumi:Stack" };
    expect(() => exportResourcesOf([], "f.json")).toThrow(/^f\.json has no resources to check/);
    expect(() => exportResourcesOf([stackOnly, { urn: URN, type: "t", custom: false }], "f.json")).toThrow(
      /^f\.json has no resources to check/,
    );
    expect(() =>
      exportResourcesOf({ deployment: { resources: [{ urn: URN, type: "t" }] } }, "f.json"),
    ).toThrow("f.json: export version missing; this audit reads version 3");
    expect(
      exportResourcesOf({ version: 2, deployment: { resources: [] } }, "f.json", { allowEmpty: true }),
    ).toEqual([]);
    expect(exportResourcesOf([{ urn: URN, type: "t" }], "f.json")).toHaveLength(1);
  });

  it("reads a stack export or a bare list, keeping what a resource carries and filling inputs and outputs", () => {
    const resource = { urn: URN, type: "t", custom: false, protect: true };
    const expected = [{ ...resource, inputs: {}, outputs: {} }];
    const allowEmpty = { allowEmpty: true };
    expect(
      exportResourcesOf({ version: 3, deployment: { resources: [resource] } }, "f.json", allowEmpty),
    ).toEqual(expected);
    expect(exportResourcesOf([resource], "f.json", allowEmpty)).toEqual(expected);
    expect(exportResourcesOf([{ urn: URN, type: "t" }], "f.json")[0]?.custom).toBe(true);
  });
});
