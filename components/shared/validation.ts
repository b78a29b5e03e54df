import * as pulumi from "@pulumi/pulumi";

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
export class ValidationError extends pulumi.RunError {
  readonly problems: readonly Problem[];

  constructor(
    readonly subject: string,
    problems: readonly Problem[],
  ) {
    super(ValidationError.render(subject, problems));
    this.name = "ValidationError";
    this.problems = problems;
  }

  static render(subject: string, problems: readonly Problem[]): string {
    const lines = problems.map((p) => `  - ${p.path}: got ${p.value}; ${p.allowed}`);
    const noun = problems.length === 1 ? "problem" : "problems";
    return `${subject}: ${problems.length} ${noun}\n${lines.join("\n")}`;
  }
}

/** Renders a value for an error message: short, JSON-like, never multi-line. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (pulumi.Output.isInstance(value)) return "an output";
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value === "function" ? "a function" : "nothing";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Collects problems and throws them all at once. Components call `check(...)` for each rule and
 * `throwIfAny()` at the end, so a user sees every mistake in one run.
 */
export class Problems {
  private readonly list: Problem[] = [];

  constructor(private readonly subject: string) {}

  /** Records a problem when `ok` is false. Returns `ok` so callers can skip dependent checks. */
  check(ok: boolean, path: string, value: unknown, allowed: string): boolean {
    if (!ok) this.add(path, value, allowed);
    return ok;
  }

  /** Records a problem unless `value` is a whole number from `min` to `max` ("an integer min-max"). */
  integer(path: string, value: number, min: number, max: number): boolean {
    return this.check(
      Number.isInteger(value) && value >= min && value <= max,
      path,
      value,
      `an integer ${min}-${max}`,
    );
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
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}
