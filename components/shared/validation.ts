// From their own modules, not the SDK's index: the audit loads this file and runs no program (about a
// second less per run). The classes are the ones `pulumi.RunError` and `pulumi.Output` name.
import { RunError } from "@pulumi/pulumi/errors";
import { Output, type Input } from "@pulumi/pulumi/output";

/** One problem found in a component's arguments or in stack config. */
export interface Problem {
  /** Where the problem is: a component field (`minInstances`) or a config key path (`services.api.image`). */
  readonly path: string;
  /** The offending value, already rendered for display (secrets are never rendered). */
  readonly value: string;
  /** What is allowed instead. */
  readonly allowed: string;
}

/**
 * A user's mistake in arguments or config. It extends Pulumi's `RunError`, so the Pulumi CLI prints the
 * message without a stack trace and exits non-zero; the plan tool does the same with exit code 2.
 */
export class ValidationError extends RunError {
  readonly problems: readonly Problem[];

  constructor(
    readonly subject: string,
    problems: readonly Problem[],
    /** A last line after the problems, e.g. where the keys are documented. */
    readonly note?: string,
  ) {
    super(ValidationError.render(subject, problems, note));
    this.name = "ValidationError";
    this.problems = problems;
  }

  static render(subject: string, problems: readonly Problem[], note?: string): string {
    const lines = problems.map((p) => `  - ${p.path}: got ${p.value}; ${p.allowed}`);
    const noun = problems.length === 1 ? "problem" : "problems";
    return `${subject}: ${problems.length} ${noun}\n${[...lines, ...(note ? [note] : [])].join("\n")}`;
  }
}

/** Renders a value for an error message: short, JSON-like, never multi-line. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(shorten(value));
  if (Output.isInstance(value)) return "an output";
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value === "function" ? "a function" : "nothing";
  return shorten(text);
}

/**
 * A long text cut in the middle, so that both ends stay visible: the start says which value it is, the end
 * is often the mistake (an image's `:latest`, a path's last segment, a closing bracket).
 */
export function shorten(text: string, max = 80): string {
  if (text.length <= max) return text;
  const tail = Math.floor((max - 1) / 2);
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/**
 * One rule of one value, with the words that say what it allows. The component that owns a rule exports
 * it; its validator applies it to the component's arguments and the stack config schema (stacks/) to the
 * config key the value comes from — one home for the rule, two places that apply it.
 */
export interface Rule<T> {
  /** What is allowed, for error messages and the configuration reference ("an integer 1-1000"). */
  readonly allowed: string;
  readonly test: (value: T) => boolean;
}

export function rule<T>(allowed: string, test: (value: T) => boolean): Rule<T> {
  return { allowed, test };
}

/** A whole number from `min` to `max`. */
export function integerRule(min: number, max: number, allowed = `an integer ${min}-${max}`): Rule<number> {
  return rule(allowed, (v) => Number.isInteger(v) && v >= min && v <= max);
}

/** One of a fixed list of values. */
export function oneOfRule<T extends string | number>(values: readonly T[]): Rule<T> {
  return rule(`one of ${values.join(", ")}`, (v) => values.includes(v));
}

/** A string that matches `pattern`. */
export function patternRule(pattern: RegExp, allowed: string): Rule<string> {
  return rule(allowed, (v) => pattern.test(v));
}

/**
 * Where a rule that spans several fields files its problems: a component's {@link Problems}, or the stack
 * config schema's refinement (which files them under config key paths). Paths are relative to the object
 * the rule looks at.
 */
export interface ProblemSink {
  /** Records a problem when `ok` is false. Returns `ok` so callers can skip dependent checks. */
  check(ok: boolean, path: string, value: unknown, allowed: string): boolean;
}

/**
 * Collects problems and throws them all at once. Components call `check(...)` for each rule and
 * `throwIfAny()` at the end, so a user sees every mistake in one run.
 */
export class Problems implements ProblemSink {
  private readonly list: Problem[] = [];

  constructor(private readonly subject: string) {}

  /** Records a problem when `ok` is false. Returns `ok` so callers can skip dependent checks. */
  check(ok: boolean, path: string, value: unknown, allowed: string): boolean {
    if (!ok) this.add(path, value, allowed);
    return ok;
  }

  /** Records a problem unless `value` passes `rule`. */
  rule<T>(path: string, value: T, rule: Rule<T>): boolean {
    return this.check(rule.test(value), path, value, rule.allowed);
  }

  /** Records a problem unless `value` is a whole number from `min` to `max` ("an integer min-max"). */
  integer(path: string, value: number, min: number, max: number): boolean {
    return this.rule(path, value, integerRule(min, max));
  }

  /** Records a problem unless `value` is one of `allowed` ("one of a, b, c", or `rule` when given). */
  oneOf<T extends string>(path: string, value: string, allowed: readonly T[], rule?: string): value is T {
    return this.check(
      (allowed as readonly string[]).includes(value),
      path,
      value,
      rule ?? `one of ${allowed.join(", ")}`,
    );
  }

  add(path: string, value: unknown, allowed: string): void {
    this.list.push({ path, value: show(value), allowed });
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.subject, this.list);
  }
}

/** True when a value is known now (not a Pulumi output): validators skip outputs. */
export function isKnown<T>(value: Input<T> | undefined): value is T {
  return value !== undefined && !Output.isInstance(value) && !(value instanceof Promise);
}
