/**
 * The DR drill's own Pulumi program (`automation/dr/program`, project `module6-dr`): its config keys and the
 * names of a drill's temporary stack and scratch database. The scratch database always starts with `dr-`,
 * and the program refuses to restore into or delete anything else.
 */

/** The DR program's Pulumi project (its own stacks in the same backend). */
export const DR_PROJECT = "module6-dr";

/** The config keys the drill writes on its temporary stack. */
export const DR_CONFIG = {
  project: `${DR_PROJECT}:project`,
  backup: `${DR_PROJECT}:backup`,
  database: `${DR_PROJECT}:database`,
} as const;

/** Scratch databases: `dr-…`, 4-63 of a-z 0-9 '-' (Firestore's database id rule). */
export const SCRATCH_DATABASE = /^dr-[a-z0-9-]{0,59}[a-z0-9]$/;

export function isScratchDatabase(id: string): boolean {
  return SCRATCH_DATABASE.test(id) && !id.includes("--");
}

/** `20250101-120000` in UTC. */
function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, "")
    .replace(/[-:]/g, "")
    .replace("T", "-");
}

/** The temporary stack and scratch database of a drill of `env` started at `now` (the same name). */
export function drillNames(env: string, now: Date): { readonly stack: string; readonly database: string } {
  const name = `dr-${env}-${stamp(now)}`;
  return { stack: name, database: name };
}
