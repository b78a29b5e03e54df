/**
 * What the drivers read from the self-managed backend's bucket directly, because the CLI does not tell:
 * which lock files a stack has (a DIY `pulumi stack ls` never reports an update in progress:
 * pulumi/pulumi pkg/cmd/pulumi/stack/stack_list.go asks `b.SupportsProgress()`, false for DIY), how many
 * resources its checkpoint holds, and whether the checkpoint records a secrets provider. The drivers never
 * write or delete Pulumi's files (`pulumi cancel` on a DIY backend deletes every lock of the stack, another
 * process's included — pkg/backend/diy/backend.go CancelCurrentUpdate — so they never run it). The one file
 * they write is their own operation lock, outside `.pulumi/` (Pulumi ignores it): a release command holds it
 * from reading the deployed state until its `up` has finished, so two release commands never deploy from the
 * same read.
 *
 * Layout of Pulumi v3.248 with project-scoped stacks (pkg/backend/diy/store.go, lock.go):
 * `.pulumi/stacks/<project>/<stack>.json` (the checkpoint, possibly `.gz`) and
 * `.pulumi/locks/organization/<project>/<stack>/<lock id>.json` (`{pid, username, hostname, timestamp}`).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { StackLock } from "./automation";

/** A stack's checkpoint, as far as the drivers care. */
export interface CheckpointSummary {
  /** Resources other than the root stack resource (what `pulumi stack rm` refuses to remove). */
  readonly resources: number;
  /** The secrets provider recorded in the state (`secrets_providers.state.url`), if any. */
  readonly secretsProvider?: string;
}

export interface BackendState {
  locks(project: string, stack: string): Promise<StackLock[]>;
  /** `undefined` when the stack has no checkpoint. */
  checkpoint(project: string, stack: string): Promise<CheckpointSummary | undefined>;
  /**
   * Creates the stack's operation lock if nobody holds it (an atomic create); returns the holder when
   * someone does. `release` deletes it.
   */
  tryOpsLock(
    project: string,
    stack: string,
    owner: OpsLockOwner,
  ): Promise<
    | { readonly acquired: true; release(): Promise<void> }
    | { readonly acquired: false; readonly holder: StackLock }
  >;
}

/** Who holds an operation lock. */
export interface OpsLockOwner {
  readonly username: string;
  readonly hostname: string;
  readonly pid: number;
  readonly timestamp: string;
  readonly command: string;
}

/** The operation lock of a stack, relative to the backend's root (outside Pulumi's `.pulumi/`). */
export function opsLockPath(project: string, stack: string): string {
  return `.module6/locks/${project}/${stack}.json`;
}

/** The lock directory of a stack, relative to the backend's root. */
export function lockDir(project: string, stack: string): string {
  return `.pulumi/locks/organization/${project}/${stack}`;
}

/** The checkpoint of a stack, relative to the backend's root. */
export function checkpointPath(project: string, stack: string): string {
  return `.pulumi/stacks/${project}/${stack}.json`;
}

/** A lock file's content (`lockContent` in lock.go); unreadable fields are left out. */
export function parseLock(path: string, text: string): StackLock {
  let content: Record<string, unknown> = {};
  try {
    content = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A lock we cannot read is still a lock.
  }
  return {
    path,
    ...(typeof content.username === "string" ? { username: content.username } : {}),
    ...(typeof content.hostname === "string" ? { hostname: content.hostname } : {}),
    ...(typeof content.pid === "number" ? { pid: content.pid } : {}),
    ...(typeof content.timestamp === "string" ? { timestamp: content.timestamp } : {}),
  };
}

/** The summary of a checkpoint document (`{version: 3, checkpoint: {latest: {resources, secrets_providers}}}`). */
export function parseCheckpoint(bytes: Buffer): CheckpointSummary {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
  const doc = JSON.parse(text) as {
    checkpoint?: {
      latest?: { resources?: { type?: unknown }[]; secrets_providers?: { state?: { url?: unknown } } };
    };
  };
  const latest = doc.checkpoint?.latest;
  const url = latest?.secrets_providers?.state?.url;
  return {
    resources: (latest?.resources ?? []).filter((r) => r.type !== "pulumi:pulumi:Stack").length,
    ...(typeof url === "string" ? { secretsProvider: url } : {}),
  };
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === "ENOENT" || (error as { code?: unknown }).code === 404;
}

/** A `file://` backend (local trials and the tests' stand-in CLI). */
export class FileBackendState implements BackendState {
  constructor(readonly root: string) {}

  async locks(project: string, stack: string): Promise<StackLock[]> {
    const dir = join(this.root, lockDir(project, stack));
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith(".json"));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const locks: StackLock[] = [];
    for (const f of files) {
      try {
        locks.push(parseLock(`file://${join(dir, f)}`, await readFile(join(dir, f), "utf8")));
      } catch (error) {
        // Released between listing and reading: no longer a lock.
        if (!isMissing(error)) throw error;
      }
    }
    return locks;
  }

  async tryOpsLock(project: string, stack: string, owner: OpsLockOwner) {
    const path = join(this.root, opsLockPath(project, stack));
    await mkdir(dirname(path), { recursive: true });
    try {
      // O_EXCL: exactly one creator wins.
      await writeFile(path, JSON.stringify(owner), { flag: "wx" });
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST") throw error;
      const text = await readFile(path, "utf8").catch(() => "{}");
      return { acquired: false as const, holder: parseLock(`file://${path}`, text) };
    }
    return { acquired: true as const, release: () => rm(path, { force: true }) };
  }

  async checkpoint(project: string, stack: string): Promise<CheckpointSummary | undefined> {
    for (const suffix of ["", ".gz"]) {
      try {
        return parseCheckpoint(await readFile(join(this.root, checkpointPath(project, stack) + suffix)));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return undefined;
  }
}

/** A `gs://` backend, through Google's Cloud Storage client (Application Default Credentials). */
export class GcsBackendState implements BackendState {
  constructor(
    readonly bucket: string,
    /** The path inside the bucket (`gs://bucket/path`), without slashes at either end. */
    readonly prefix: string,
  ) {}

  private key(path: string): string {
    return this.prefix === "" ? path : `${this.prefix}/${path}`;
  }

  private async client() {
    const { Storage } = await import("@google-cloud/storage");
    return new Storage().bucket(this.bucket);
  }

  async locks(project: string, stack: string): Promise<StackLock[]> {
    const bucket = await this.client();
    const [files] = await bucket.getFiles({ prefix: `${this.key(lockDir(project, stack))}/` });
    const locks: StackLock[] = [];
    for (const file of files.filter((f) => f.name.endsWith(".json"))) {
      try {
        const [bytes] = await file.download();
        locks.push(parseLock(`gs://${this.bucket}/${file.name}`, bytes.toString("utf8")));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return locks;
  }

  async tryOpsLock(project: string, stack: string, owner: OpsLockOwner) {
    const bucket = await this.client();
    const file = bucket.file(this.key(opsLockPath(project, stack)));
    try {
      // ifGenerationMatch: 0 makes the write fail when the object exists: an atomic create
      // (https://cloud.google.com/storage/docs/request-preconditions).
      await file.save(JSON.stringify(owner), {
        preconditionOpts: { ifGenerationMatch: 0 },
        resumable: false,
      });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 412) throw error;
      const [bytes] = await file.download().catch(() => [Buffer.from("{}")]);
      return {
        acquired: false as const,
        holder: parseLock(`gs://${this.bucket}/${file.name}`, bytes.toString("utf8")),
      };
    }
    return {
      acquired: true as const,
      release: async () => void (await file.delete({ ignoreNotFound: true })),
    };
  }

  async checkpoint(project: string, stack: string): Promise<CheckpointSummary | undefined> {
    const bucket = await this.client();
    for (const suffix of ["", ".gz"]) {
      try {
        const [bytes] = await bucket.file(this.key(checkpointPath(project, stack) + suffix)).download();
        return parseCheckpoint(bytes);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return undefined;
  }
}

/** The reader for a backend URL (`gs://bucket[/path]` or `file://dir`). */
export function backendState(url: string): BackendState {
  if (url.startsWith("file://")) {
    return new FileBackendState(
      url.startsWith("file:///") ? fileURLToPath(url) : url.slice("file://".length),
    );
  }
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new Error(`unsupported backend URL ${url}`);
  return new GcsBackendState(match[1] ?? "", (match[2] ?? "").replace(/\/+$/, ""));
}
