/**
 * Test harness over the plan's recording mocks: install mocks once per test file, then build resources
 * inside `record(...)` and assert on what was registered.
 *
 * Files that only build components this way share a worker process (vitest.config.mts): `installMocks`
 * therefore sets every piece of Pulumi's global state a component reads (mocks, project, stack, config)
 * afresh, and `record` refuses a recorder that another file installed.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import { PlanRecorder, settle, type RecorderOptions } from "../../plan/mocks";
import type { RecordedResource } from "../../plan/record";
import { EnvironmentNaming } from "../../stacks/naming";
import type { CommonArgs } from "../../components/shared/types";

let recorder: PlanRecorder | undefined;
let installedBy: string | undefined;

let inTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `use`, which sets Pulumi's global state for itself (an offline plan: tests/helpers/shared-plans.ts),
 * once every earlier user in this process has finished; `installMocks` waits for it too. The file's
 * recorder is forgotten: the plan replaces its mocks and config, so a later `record` fails until
 * `installMocks` runs again.
 */
export function withPulumiState<T>(use: () => Promise<T>): Promise<T> {
  const run = inTurn.then(() => {
    recorder = undefined;
    installedBy = undefined;
    return use();
  });
  inTurn = run.catch(() => undefined);
  return run;
}

/** Sets config and recording mocks. Call once per file, before any resource is created. */
export async function installMocks(
  options: RecorderOptions & { stack?: string; config?: Record<string, string>; secretKeys?: string[] } = {},
): Promise<PlanRecorder> {
  // A plan still running in this process (a file's `beforeAll` that gave up on it) finishes first.
  await inTurn;
  await settle();
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  recorder = new PlanRecorder(options);
  installedBy = expect.getState().testPath;
  await recorder.install("module6", options.stack ?? "test", false);
  return recorder;
}

/** Runs `build` on a clean record and returns what it registered once everything has settled. */
export async function record<T>(build: () => T): Promise<{ result: T; resources: RecordedResource[] }> {
  if (!recorder || installedBy !== expect.getState().testPath) throw new Error("installMocks() first");
  await settle();
  recorder.reset();
  const result = build();
  await settle();
  return { result, resources: [...recorder.resources] };
}

/**
 * Records `build` once, on first use, and hands every caller the same record: for several tests that
 * only read the same component.
 */
export function recordOnce<T>(build: () => T): () => Promise<{ result: T; resources: RecordedResource[] }> {
  let recorded: Promise<{ result: T; resources: RecordedResource[] }> | undefined;
  return () => (recorded ??= record(build));
}

/** The resources of one type. */
export function resourcesOfType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The single resource of `type`; fails when there is not exactly one. */
export function onlyOfType(resources: readonly RecordedResource[], type: string): RecordedResource {
  const found = resourcesOfType(resources, type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0] as RecordedResource;
}

/** The resource of `type` with logical name `name`; fails when there is not exactly one. */
export function named(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = resourcesOfType(resources, type).filter((r) => r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0] as RecordedResource;
}

/** A resource's mocked id; fails when it has none. */
export function idOf(resource: RecordedResource): string {
  expect(resource.id, `${resource.type} ${resource.name} id`).toBeTruthy();
  return resource.id as string;
}

/** Asserts that a resource's inputs contain `expected` (deep, partial). */
export function expectProps(resource: RecordedResource, expected: Record<string, unknown>): void {
  expect(resource.inputs).toMatchObject(expected);
}

/** Counts custom resources by type. */
export function countByType(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) if (r.custom) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** The value of an output. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Common args for component tests. */
export function commonArgs(env = "test"): CommonArgs {
  return {
    project: "module6-test-000000",
    region: "asia-northeast3",
    labels: {
      app: "module6",
      env: "staging",
      stack: env,
      "managed-by": "pulumi",
      team: "platform",
      "cost-center": "cc-1",
    },
    naming: new EnvironmentNaming("m6", env),
  };
}
