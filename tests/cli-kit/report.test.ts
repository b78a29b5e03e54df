/** How every tool ends on an error: the exit-code table of cli-kit/exit-codes.ts. */
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { CliError } from "../../cli-kit/cli-error";
import { reportFailure } from "../../cli-kit/report";
import { ValidationError } from "../../components/shared/validation";

function report(error: unknown): { code: number; text: string } {
  const out: string[] = [];
  const code = reportFailure(error, (t) => out.push(t), [
    (e) => (e instanceof RangeError ? { exitCode: 1, message: `failed: ${e.message}` } : undefined),
  ]);
  return { code, text: out.join("") };
}

describe("reportFailure", () => {
  it("ends a user's mistake with one line and exit 2, a failed operation with exit 1", () => {
    expect(report(new CliError("--stack: no such stack"))).toEqual({
      code: 2,
      text: "error: --stack: no such stack\n",
    });
    expect(
      report(new ValidationError("Invalid config", [{ path: "k", value: "1", allowed: "2" }])).code,
    ).toBe(2);
    expect(report(new RangeError("the update"))).toEqual({ code: 1, text: "error: failed: the update\n" });
  });

  it("leaves commander's printed message alone: help exits 0, a usage mistake 2", () => {
    expect(report(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"))).toEqual({
      code: 0,
      text: "",
    });
    expect(report(new CommanderError(1, "commander.unknownOption", "error: unknown option"))).toEqual({
      code: 2,
      text: "",
    });
  });

  it("treats anything else as a bug: its stack trace and exit 3", () => {
    const bug = report(new TypeError("x is undefined"));
    expect(bug.code).toBe(3);
    expect(bug.text).toMatch(/^TypeError: x is undefined\n\s+at /);
    expect(report("a string")).toEqual({ code: 3, text: "a string\n" });
  });
});
