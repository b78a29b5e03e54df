/** The did-you-mean of config keys and names: close typos get a suggestion, unrelated words none. */
import { describe, expect, it } from "vitest";
import { closestNames, didYouMean, editDistance } from "../../components/shared/did-you-mean";

describe("didYouMean", () => {
  it("measures edits, an adjacent swap as one", () => {
    expect(editDistance("servces", "services")).toBe(1);
    expect(editDistance("imgae", "image")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it.each([
    ["servces", ["services", "secrets", "region"], 'did you mean "services"?'],
    ["gcpproject", ["gcpProject", "prefix"], 'did you mean "gcpProject"?'],
    ["apii", ["api", "web", "ai"], 'did you mean "api"?'],
    ["ap", ["api", "ai"], 'did you mean "api"?'],
    ["web-2", ["web-1", "web-3", "api"], 'did you mean one of "web-1", "web-3"?'],
    ["replicas", ["regions", "services"], ""],
    ["x", ["y"], ""],
  ])("%s among %j: %j", (word, known, expected) => {
    expect(didYouMean(word, known)).toBe(expected);
  });

  it("never suggests the word itself", () => {
    expect(closestNames("api", ["api"])).toEqual([]);
  });
});
