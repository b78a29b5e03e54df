import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { environmentLabels, isValidLabel, labelKey, labelValue, type LabelSource } from "../../stacks/labels";
import { anyCodePoints } from "../helpers/code-points";

const RUNS = { numRuns: 300 };

const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  anyCodePoints(300),
  fc.stringMatching(/^[A-Za-z0-9/_ .:@-]{0,300}$/),
);

const SOURCE: LabelSource = {
  app: "module6",
  env: "staging",
  stack: "staging",
  team: "platform",
  costCenter: "cc-4200",
};

describe("environmentLabels", () => {
  it("gives app, env, stack, managed-by=pulumi, team and cost-center (component is the components' job)", () => {
    expect(environmentLabels(SOURCE)).toEqual({
      app: "module6",
      env: "staging",
      stack: "staging",
      "managed-by": "pulumi",
      team: "platform",
      "cost-center": "cc-4200",
    });
    // Every required key but `component`, which each component adds itself.
    expect(Object.keys(environmentLabels(SOURCE)).sort()).toEqual([
      "app",
      "cost-center",
      "env",
      "managed-by",
      "stack",
      "team",
    ]);
  });

  it("sanitises every value: case and accents folded, other characters become '-'", () => {
    const labels = environmentLabels({
      app: "Module6",
      env: "feature",
      stack: "feature-PR/7",
      team: "Équipe Platform",
      costCenter: "CC 4200",
    });
    expect(labels).toMatchObject({
      app: "module6",
      stack: "feature-pr-7",
      team: "equipe-platform",
      "cost-center": "cc-4200",
    });
  });

  it("includes extra labels, sanitised", () => {
    const labels = environmentLabels({ ...SOURCE, extra: { "Owner Name": "Zoë Ünal", tier: "Gold" } });
    expect(labels["owner-name"]).toBe("zoe-unal");
    expect(labels.tier).toBe("gold");
  });

  it("never lets an extra label override a required one", () => {
    const labels = environmentLabels({
      ...SOURCE,
      extra: {
        "managed-by": "terraform",
        team: "other",
        "Cost-Center": "free",
        app: "x",
        env: "prod",
        stack: "y",
      },
    });
    expect(labels).toMatchObject({
      "managed-by": "pulumi",
      team: "platform",
      "cost-center": "cc-4200",
      app: "module6",
      env: "staging",
      stack: "staging",
    });
  });

  it("gives valid labels for any sources", () => {
    fc.assert(
      fc.property(
        hostile,
        hostile,
        hostile,
        fc.dictionary(hostile, hostile, { maxKeys: 5 }),
        (app, team, costCenter, extra) => {
          const labels = environmentLabels({ ...SOURCE, app, team, costCenter, extra });
          for (const [key, value] of Object.entries(labels)) expect(isValidLabel(key, value), key).toBe(true);
          expect(labels["managed-by"]).toBe("pulumi");
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("labelValue and labelKey", () => {
  it("give a valid label for any unicode input", () => {
    fc.assert(
      fc.property(hostile, hostile, (key, value) => {
        expect(isValidLabel(labelKey(key), labelValue(value))).toBe(true);
      }),
      RUNS,
    );
  });

  it("are deterministic", () => {
    fc.assert(
      fc.property(hostile, (input) => {
        expect(labelValue(input)).toBe(labelValue(input));
        expect(labelKey(input)).toBe(labelKey(input));
      }),
      RUNS,
    );
  });

  it("keep an already valid label as it is", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_-]{0,40}[a-z0-9_]$/), (clean) => {
        expect(labelValue(clean)).toBe(clean);
        expect(labelKey(clean)).toBe(clean);
      }),
      RUNS,
    );
  });

  it.each([
    ["Équipe Platform", "equipe-platform"],
    ["CC-4200", "cc-4200"],
    ["  spaced  out  ", "spaced-out"],
    ["a/b:c@d", "a-b-c-d"],
    ["snake_case", "snake_case"],
    ["🎉🎉", ""],
    ["", ""],
  ])("labelValue(%j) = %j", (input, expected) => {
    expect(labelValue(input)).toBe(expected);
  });

  it("cuts values to 63 characters", () => {
    expect(labelValue("a".repeat(100))).toBe("a".repeat(63));
    expect(labelValue(`${"Ä".repeat(70)}`)).toHaveLength(63);
  });

  it.each([
    ["Cost Center", "cost-center"],
    ["1st", "l-1st"],
    ["_private", "l-_private"],
    ["", "l"],
    ["🎉", "l"],
  ])("labelKey(%j) = %j (a key starts with a letter)", (input, expected) => {
    expect(labelKey(input)).toBe(expected);
  });

  it("cuts keys to 63 characters, even after adding the l- prefix", () => {
    const key = labelKey("9".repeat(100));
    expect(key).toHaveLength(63);
    expect(key.startsWith("l-9")).toBe(true);
  });
});

describe("isValidLabel", () => {
  it.each<[string, string, boolean]>([
    ["team", "platform", true],
    ["team", "", true],
    ["Team", "platform", false],
    ["1team", "platform", false],
    ["team", "Platform", false],
    ["team", "a".repeat(64), false],
    ["t".repeat(64), "x", false],
    ["cost_center", "cc_4200", true],
  ])("(%j, %j) → %s", (key, value, valid) => {
    expect(isValidLabel(key, value)).toBe(valid);
  });
});
