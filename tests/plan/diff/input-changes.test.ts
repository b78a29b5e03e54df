import { describe, expect, it } from "vitest";
import { changedInputs } from "../../../plan/diff/input-changes";

describe("changedInputs", () => {
  it("reports a changed scalar where it changed, nothing for equal values", () => {
    expect(changedInputs({ a: 1, b: { c: "x", d: true } }, { a: 1, b: { c: "y", d: true } })).toEqual([
      { path: "b.c", kind: "changed" },
    ]);
  });

  it("reports a block added whole with every node under it", () => {
    expect(changedInputs({}, { scaling: { min: 1, tags: ["a"] } })).toEqual([
      { path: "scaling", kind: "added" },
      { path: "scaling.min", kind: "added" },
      { path: "scaling.tags", kind: "added" },
      { path: "scaling.tags[0]", kind: "added" },
    ]);
  });

  it("compares arrays by position and reports removed elements", () => {
    expect(changedInputs({ xs: [{ v: 1 }, { v: 2 }] }, { xs: [{ v: 1 }] })).toEqual([
      { path: "xs[1]", kind: "removed" },
      { path: "xs[1].v", kind: "removed" },
    ]);
  });

  it("treats null as unset and quotes keys that are not identifiers", () => {
    expect(
      changedInputs({ a: null, labels: { "cost-center": "1" } }, { labels: { "cost-center": "2" } }),
    ).toEqual([{ path: 'labels["cost-center"]', kind: "changed" }]);
  });

  it("reports an object that became a scalar as a change plus what it held", () => {
    expect(changedInputs({ x: { y: 1 } }, { x: "s" })).toEqual([
      { path: "x", kind: "changed" },
      { path: "x.y", kind: "removed" },
    ]);
  });

  it("handles a create and a delete", () => {
    expect(changedInputs(undefined, { name: "n" })).toEqual([{ path: "name", kind: "added" }]);
    expect(changedInputs({ name: "n" }, undefined)).toEqual([{ path: "name", kind: "removed" }]);
  });
});
