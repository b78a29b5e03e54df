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

  it("reads a stack export or a bare list, keeping what a resource carries and filling inputs and outputs", () => {
    const resource = { urn: URN, type: "t", custom: false, protect: true };
    const expected = [{ ...resource, inputs: {}, outputs: {} }];
    expect(exportResourcesOf({ version: 3, deployment: { resources: [resource] } }, "f.json")).toEqual(
      expected,
    );
    expect(exportResourcesOf([resource], "f.json")).toEqual(expected);
    expect(exportResourcesOf([{ urn: URN, type: "t" }], "f.json")[0]?.custom).toBe(true);
  });
});
