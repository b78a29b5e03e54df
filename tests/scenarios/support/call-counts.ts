/**
 * `npm run bench` (its last lines): the CLI calls the operations make, counted from the stand-in `pulumi`
 * CLI's log — a new-stack and an existing-stack `feature up` (calls before the engine starts, i.e. before the
 * first `preview`/`up`), `feature list` and `feature gc --dry-run` over N feature stacks. A benchmark line,
 * not a test: it prints the figures and the targets (≤ 4 before the engine; 2 + N for list and gc).
 */
import { Scenario, seedFeature, type Call } from "./scenario";

const ENGINE = new Set(["preview", "up", "destroy"]);

const isTagWrite = (c: Call) => c.argv[0] === "stack" && c.argv[1] === "tag" && c.argv[2] === "set";

/**
 * Totals, and the calls the command waited for before the engine started (its first `preview`/`up`). Tag
 * writes count only when they all ended before the engine started: a tag lane still running beside the
 * engine was not waited for.
 */
function count(calls: readonly Call[]): { total: number; beforeEngine: number; secrets: number } {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const engine = sorted.find((c) => ENGINE.has(c.argv[0] ?? ""));
  const before = sorted.filter((c) => engine === undefined || c.start < engine.start);
  const tags = sorted.filter(isTagWrite);
  const tagsAwaited = engine === undefined || tags.every((c) => c.end <= engine.start);
  const awaited = before.filter((c) => !isTagWrite(c) || tagsAwaited);
  return {
    total: calls.length,
    beforeEngine: awaited.length,
    secrets: calls.filter((c) => c.argv.includes("--show-secrets")).length,
  };
}

async function main(): Promise<void> {
  const world = new Scenario();
  await world.activate();
  const n = 3;
  const line = (label: string, calls: readonly Call[], engine = true): string => {
    const c = count(calls);
    const before = engine ? `, ${String(c.beforeEngine).padStart(2)} before the engine` : "";
    return `  ${label.padEnd(34)} ${String(c.total).padStart(3)} calls${before}, ${c.secrets} with --show-secrets`;
  };
  const out: string[] = ["CLI calls (stand-in pulumi CLI, tests/fixtures/fake-pulumi):"];
  await world.ops("feature", "up", "--pr", "1", "--branch", "feat/bench");
  out.push(line("feature up (new stack)", world.calls()));
  world.clearCalls();
  await world.ops("feature", "up", "--pr", "1", "--branch", "feat/bench");
  out.push(line("feature up (existing stack)", world.calls()));
  for (let pr = 2; pr <= n; pr++)
    await seedFeature(world, `feature-pr-${pr}`, { "module6:kind": "feature", "module6:pr": String(pr) });
  world.clearCalls();
  await world.ops("feature", "list");
  out.push(line(`feature list (N = ${n})`, world.calls(), false));
  world.clearCalls();
  await world.ops("feature", "gc", "--dry-run");
  out.push(line(`feature gc --dry-run (N = ${n})`, world.calls(), false));
  out.push(`  targets: ≤ 4 before the engine for a new stack; list and gc 2 + N = ${2 + n}`);
  console.log(out.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
