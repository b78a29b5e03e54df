import { describe, expect, it } from "vitest";
import {
  durationParser,
  parseCollectionCheck,
  parseImageOverride,
  parsePrList,
} from "../../automation/commands/option-parsers";
import { table } from "../../automation/context/output";
import { parseClosedFile } from "../../automation/commands/feature-gc";
import { CancelledError, OperationError } from "../../automation/core/errors";
import { decideGc } from "../../automation/feature/gc-decision";
import { featureTags, readFeatureTags, tagValue } from "../../automation/feature/tags";
import { StackLockedError, type EngineEvent, type StackInfo } from "../../automation/pulumi/automation";
import { describeChanges, describeEvent, ProgressPrinter } from "../../automation/pulumi/progress";
import { backoffDelays, DEFAULT_RETRY, withLockRetry } from "../../automation/pulumi/retry";
import { formatDuration, parseDuration, realSleep } from "../../automation/core/time";

const HOUR = 3_600_000;
const NOW = new Date("2025-03-10T12:00:00Z");

describe("progress lines", () => {
  const urn = "urn:pulumi:feature-pr-1::module6::module6:run:Service$gcp:cloudrunv2/service:Service::env-api";
  const step = (op: "create" | "same" | "update", planning = false): EngineEvent => ({
    sequence: 1,
    timestamp: 0,
    resOutputsEvent: {
      metadata: { op, urn, type: "gcp:cloudrunv2/service:Service", provider: "" },
      planning,
    },
  });

  it("prints one line per resource step with the elapsed time, skipping unchanged resources", () => {
    expect(describeEvent(step("create"), 41_230)).toBe(
      "[  41.2s] +  create     gcp:cloudrunv2/service:Service  env-api",
    );
    expect(describeEvent(step("update", true), 900)).toBe(
      "[   0.9s] ~  would update gcp:cloudrunv2/service:Service  env-api",
    );
    expect(describeEvent(step("same"), 1)).toBeUndefined();
  });

  it("prints failures, errors, warnings, policy violations and the summary", () => {
    expect(
      describeEvent(
        {
          sequence: 1,
          timestamp: 0,
          resOpFailedEvent: { metadata: { op: "create", urn, type: "t", provider: "" }, status: 1, steps: 1 },
        },
        2000,
      ),
    ).toBe("[   2.0s] !! create failed t  env-api");
    expect(
      describeEvent(
        {
          sequence: 1,
          timestamp: 0,
          diagnosticEvent: { urn, message: "error: 403\n  denied", color: "never", severity: "error" },
        },
        0,
      ),
    ).toBe("[   0.0s] error (env-api): error: 403 denied");
    expect(
      describeEvent(
        {
          sequence: 1,
          timestamp: 0,
          diagnosticEvent: { message: "hello", color: "never", severity: "info" },
        },
        0,
      ),
    ).toBeUndefined();
    expect(
      describeEvent(
        {
          sequence: 1,
          timestamp: 0,
          policyEvent: {
            resourceUrn: urn,
            message: "Cloud Run service must not allow unauthenticated access",
            color: "never",
            policyName: "cloud-run-no-public-invoker",
            policyPackName: "module6-policies",
            policyPackVersion: "1",
            policyPackVersionTag: "1",
            enforcementLevel: "mandatory",
          },
        },
        0,
      ),
    ).toBe(
      "[   0.0s] policy mandatory module6-policies/cloud-run-no-public-invoker (env-api): Cloud Run service must not allow unauthenticated access",
    );
    expect(
      describeEvent(
        {
          sequence: 1,
          timestamp: 0,
          summaryEvent: {
            maybeCorrupt: false,
            durationSeconds: 97,
            resourceChanges: { create: 12, same: 3 },
            policyPacks: {},
          },
        },
        97_000,
      ),
    ).toBe("[  97.0s] done in 97s: 12 created, 3 unchanged");
    expect(describeChanges({})).toBe("no changes");
  });

  it("measures from the start of the operation", () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const printer = new ProgressPrinter(
      (l) => lines.push(l),
      () => new Date(now),
    );
    now += 12_500;
    printer.onEvent(step("create"));
    expect(lines).toEqual(["[  12.5s] +  create     gcp:cloudrunv2/service:Service  env-api"]);
  });
});

describe("lock retries", () => {
  it("backs off exponentially up to a cap and a bound", () => {
    expect(backoffDelays(DEFAULT_RETRY)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 120_000, 120_000]);
    expect(backoffDelays({ attempts: 1, initialDelayMs: 1, maxDelayMs: 1 })).toEqual([]);
  });

  it("retries only a locked stack", async () => {
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    };
    let calls = 0;
    const result = await withLockRetry(
      "s",
      async () => {
        calls += 1;
        if (calls < 3) throw new StackLockedError("s");
        return Promise.resolve("done");
      },
      { sleep, policy: { attempts: 5, initialDelayMs: 10, maxDelayMs: 15 } },
    );
    expect(result).toBe("done");
    expect(sleeps).toEqual([10, 15]);
    await expect(withLockRetry("s", () => Promise.reject(new Error("boom")), { sleep })).rejects.toThrow(
      "boom",
    );
    expect(sleeps).toHaveLength(2);
  });

  it("fails with an OperationError after the last attempt, and stops waiting on Ctrl-C", async () => {
    const sleep = async () => Promise.resolve();
    await expect(
      withLockRetry("s", () => Promise.reject(new StackLockedError("s")), {
        sleep,
        policy: { attempts: 2, initialDelayMs: 90_000, maxDelayMs: 90_000 },
      }),
    ).rejects.toBeInstanceOf(OperationError);
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      withLockRetry("s", () => Promise.reject(new StackLockedError("s")), { sleep, signal: aborted.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it("the real sleep rejects at once when aborted", async () => {
    const controller = new AbortController();
    const waiting = realSleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("durations", () => {
  it.each([
    ["90m", 90 * 60_000],
    ["72h", 72 * HOUR],
    ["3d", 72 * HOUR],
    ["1h30m", 90 * 60_000],
    ["72", undefined],
    ["-1h", undefined],
    ["1w", undefined],
  ])("parses %j", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    [12_340, "12.3s"],
    [200_000, "3m 20s"],
    [3_900_000, "1h 05m"],
    [3 * 24 * HOUR + 2 * HOUR, "3d 2h"],
    [-90_000, "-1m 30s"],
  ])("formats %d ms as %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it("bounds option durations", () => {
    expect(durationParser(HOUR, 2 * HOUR)("90m")).toBe(90 * 60_000);
    expect(() => durationParser(HOUR, 2 * HOUR)("3h")).toThrow(/a duration from 1h 00m to 2h 00m/);
  });
});

describe("option values", () => {
  it("collects image overrides and refuses a service given twice", () => {
    const once = parseImageOverride("api=r/api:1");
    expect(parseImageOverride("web=r/web@sha256:" + "a".repeat(64), once)).toEqual({
      api: "r/api:1",
      web: `r/web@sha256:${"a".repeat(64)}`,
    });
    expect(() => parseImageOverride("api=r/api:2", once)).toThrow(
      /one image per service \(api given twice\)/,
    );
  });

  it("collects pull request numbers and collection checks", () => {
    expect(parsePrList("3, 4", [1])).toEqual([1, 3, 4]);
    expect(() => parsePrList("3,x")).toThrow(/a pull request number/);
    expect(parseCollectionCheck("documents", parseCollectionCheck("users=100"))).toEqual([
      { collection: "users", min: 100 },
      { collection: "documents", min: 1 },
    ]);
    expect(() => parseCollectionCheck("__reserved__")).toThrow(/a collection id/);
  });

  it("reads closed pull requests in gh's JSON, as a plain list, or refuses", () => {
    expect(parseClosedFile('[{"number": 4}, {"number": 9, "title": "x"}]', "f")).toEqual([4, 9]);
    expect(parseClosedFile("[4, 9]", "f")).toEqual([4, 9]);
    expect(parseClosedFile("4\n9, 12\n", "f")).toEqual([4, 9, 12]);
    expect(parseClosedFile("  ", "f")).toEqual([]);
    expect(() => parseClosedFile('[{"id": 1}]', "f")).toThrow(
      /--closed-file f: expected pull request numbers/,
    );
    expect(() => parseClosedFile("[1,", "f")).toThrow(/--closed-file f: not valid JSON/);
    expect(() => parseClosedFile("#12", "f")).toThrow(/separated by spaces/);
  });

  it("lines up table columns", () => {
    expect(
      table(
        ["A", "LONG"],
        [
          ["xyz", "1"],
          ["q", ""],
        ],
      ),
    ).toBe("A    LONG\nxyz  1\nq");
  });
});

describe("feature tags", () => {
  it("round-trips and keeps values printable and short", () => {
    const tags = featureTags({
      pr: 7,
      branch: "feat/\u0007bell\nnewline",
      creator: "x".repeat(300),
      created: NOW,
      expires: new Date(NOW.getTime() + HOUR),
    });
    expect(tags["module6:branch"]).toBe("feat/ bell newline");
    expect(tags["module6:creator"]).toHaveLength(256);
    expect(readFeatureTags(tags)).toEqual({
      kind: "feature",
      pr: 7,
      branch: "feat/ bell newline",
      creator: "x".repeat(256),
      created: NOW,
      expires: new Date(NOW.getTime() + HOUR),
    });
    expect(readFeatureTags({ "module6:pr": "seven", "module6:expires": "soon" })).toEqual({});
    expect(tagValue("\n")).toBe("-");
  });
});

describe("gc decisions", () => {
  const stack = (name: string, tags: Record<string, string>, extra: Partial<StackInfo> = {}): StackInfo => ({
    name,
    tags,
    updateInProgress: false,
    locks: [],
    ...extra,
  });
  const input = (stacks: StackInfo[], closed: number[] = []) => ({
    stacks,
    now: NOW,
    closedPrs: new Set(closed),
    defaultTtlMs: 72 * HOUR,
  });

  it("destroys closed and expired, keeps the rest, skips busy stacks and those of unknown age", () => {
    const decisions = decideGc(
      input(
        [
          stack("feature-pr-1", { "module6:pr": "1", "module6:expires": "2025-03-11T00:00:00Z" }),
          stack("feature-pr-2", { "module6:pr": "2", "module6:expires": "2025-03-10T11:00:00Z" }),
          stack("feature-pr-3", { "module6:pr": "3", "module6:expires": "2025-03-20T00:00:00Z" }),
          stack(
            "feature-pr-4",
            { "module6:pr": "4", "module6:expires": "2025-01-01T00:00:00Z" },
            { updateInProgress: true },
          ),
          stack("feature-a", { "module6:created": "2025-03-09T12:00:00Z" }),
          stack("feature-b", {}, { lastUpdate: new Date("2025-03-01T00:00:00Z") }),
          stack("feature-c", {}),
        ],
        [1],
      ),
    );
    expect(decisions.map((d) => [d.stack, d.action, d.reason])).toEqual([
      ["feature-pr-1", "destroy", "pull request #1 is closed"],
      ["feature-pr-2", "destroy", "expired 1h 00m ago"],
      ["feature-pr-3", "keep", "expires in 9d 12h"],
      ["feature-pr-4", "skip", "an operation holds its lock"],
      ["feature-a", "keep", "no expiry tag; 1d 0h old"],
      ["feature-b", "destroy", "no expiry tag; 9d 12h old, past the default TTL of 3d 0h"],
      ["feature-c", "keep", "no expiry tag and no update time: its age is unknown"],
    ]);
  });

  it("destroys a stack at the moment it expires or reaches the default TTL, and not a millisecond before", () => {
    const decisions = decideGc(
      input([
        stack("feature-expires-now", { "module6:expires": "2025-03-10T12:00:00.000Z" }),
        stack("feature-expires-soon", { "module6:expires": "2025-03-10T12:00:00.001Z" }),
        stack("feature-ttl-now", { "module6:created": "2025-03-07T12:00:00.000Z" }),
        stack("feature-ttl-soon", { "module6:created": "2025-03-07T12:00:00.001Z" }),
      ]),
    );
    expect(decisions.map((d) => [d.stack, d.action])).toEqual([
      ["feature-expires-now", "destroy"],
      ["feature-expires-soon", "keep"],
      ["feature-ttl-now", "destroy"],
      ["feature-ttl-soon", "keep"],
    ]);
  });

  it("counts a stack's age from its creation tag, not from its last update", () => {
    const [decision] = decideGc(
      input([
        stack(
          "feature-updated-lately",
          { "module6:created": "2025-03-05T12:00:00Z" },
          { lastUpdate: new Date("2025-03-10T11:00:00Z") },
        ),
      ]),
    );
    expect(decision).toMatchObject({
      action: "destroy",
      reason: "no expiry tag; 5d 0h old, past the default TTL of 3d 0h",
    });
  });
});
