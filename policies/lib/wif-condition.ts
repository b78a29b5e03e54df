/**
 * Reading a Workload Identity Federation attribute condition (a CEL expression over the token's claims,
 * https://cloud.google.com/iam/docs/workload-identity-federation#conditions) for one question: does every
 * token it admits come from one pinned GitHub repository? An `||` admits what either side admits, so every
 * alternative must pin; an `&&` admits only what both admit, so one pinned side is enough.
 */

/** What a condition admits. */
export interface ConditionReading {
  /** True when every admitted token comes from a pinned repository. */
  readonly pinned: boolean;
  /** The repositories (`owner/name`, or `#<id>` for a repository id) the condition admits. */
  readonly repositories: readonly string[];
  /** An alternative that pins no repository (when `pinned` is false). */
  readonly unpinned?: string;
}

const NAME = "[A-Za-z0-9_.-]+";
const QUOTED = (inner: string): string => `(?:'(${inner})'|"(${inner})")`;
const REPO = `${NAME}/${NAME}`;

/** Splits `text` at a top-level operator (outside quotes and parentheses). */
function splitTop(text: string, op: "||" | "&&"): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && text.startsWith(op, i)) {
      parts.push(text.slice(start, i));
      start = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** `(x)` → `x` while the parentheses enclose the whole expression. */
function unwrap(text: string): string {
  let t = text.trim();
  while (t.startsWith("(") && t.endsWith(")")) {
    let depth = 0;
    let enclosing = true;
    for (let i = 0; i < t.length - 1; i++) {
      if (t[i] === "(") depth++;
      else if (t[i] === ")") depth--;
      if (depth === 0) {
        enclosing = false;
        break;
      }
    }
    if (!enclosing) break;
    t = t.slice(1, -1).trim();
  }
  return t;
}

/** The claims a condition may name for the repository and the subject, given the attribute mapping. */
function claimNames(mapping: Readonly<Record<string, string>>): { repository: string[]; subject: string[] } {
  const mapped = (to: string): string[] =>
    Object.entries(mapping)
      .filter(([, from]) => from.replace(/\s/g, "") === to)
      .map(([attr]) => attr);
  return {
    repository: ["assertion.repository", ...mapped("assertion.repository")],
    subject: ["assertion.sub", ...mapped("assertion.sub")],
  };
}

const escape = (s: string): string => s.replace(/[.]/g, "\\.");
const anyOf = (names: readonly string[]): string => `(?:${names.map(escape).join("|")})`;

/** The repositories one comparison pins, or undefined when it pins none. */
function atomRepositories(atom: string, mapping: Readonly<Record<string, string>>): string[] | undefined {
  const { repository, subject } = claimNames(mapping);
  const first = (m: RegExpExecArray | null): string | undefined => (m ? (m[1] ?? m[2]) : undefined);
  const eq = (claim: string, value: string): RegExp =>
    new RegExp(`^(?:${claim}\\s*==\\s*${value}|${value}\\s*==\\s*${claim})$`);
  const repo = first(eq(anyOf(repository), QUOTED(REPO)).exec(atom));
  if (repo !== undefined) return [repo];
  const id = first(eq("assertion\\.repository_id", QUOTED("\\d+")).exec(atom));
  if (id !== undefined) return [`#${id}`];
  // `repo:<owner>/<name>` then the end or `:<qualifier>` (the GitHub subject claim's format).
  const sub = first(eq(anyOf(subject), QUOTED(`repo:${REPO}(?::[^'"]*)?`)).exec(atom));
  if (sub !== undefined) return [sub.split(":")[1] ?? ""];
  const prefix = first(
    new RegExp(`^${anyOf(subject)}\\.startsWith\\(\\s*${QUOTED(`repo:${REPO}:[^'"]*`)}\\s*\\)$`).exec(atom),
  );
  if (prefix !== undefined) return [prefix.split(":")[1] ?? ""];
  const list = new RegExp(`^${anyOf(repository)}\\s+in\\s+\\[([^\\]]*)\\]$`).exec(atom);
  if (list) {
    const items = (list[1] ?? "").split(",").map((s) => s.trim());
    const repos = items.map((s) => first(new RegExp(`^${QUOTED(REPO)}$`).exec(s)));
    const pinned = repos.filter((r): r is string => r !== undefined);
    if (pinned.length > 0 && pinned.length === repos.length) return pinned;
  }
  return undefined;
}

function read(text: string, mapping: Readonly<Record<string, string>>): ConditionReading {
  const expression = unwrap(text);
  const alternatives = splitTop(expression, "||");
  if (alternatives.length > 1) {
    const readings = alternatives.map((a) => read(a, mapping));
    const unpinned = readings.find((r) => !r.pinned);
    return {
      pinned: unpinned === undefined,
      repositories: [...new Set(readings.flatMap((r) => r.repositories))],
      ...(unpinned ? { unpinned: unpinned.unpinned } : {}),
    };
  }
  const conjuncts = splitTop(expression, "&&");
  if (conjuncts.length > 1) {
    const pinned = conjuncts.map((c) => read(c, mapping)).filter((r) => r.pinned);
    if (pinned.length === 0) return { pinned: false, repositories: [], unpinned: expression };
    // Every side must hold: only repositories that all pinned sides admit. A side that pins by id
    // (`#<id>`) and one that pins by name name the same repository two ways: the names are what
    // allowedRepositories lists, so the id sides count only when no side names a repository.
    const byName = pinned.filter((r) => r.repositories.some((repo) => !repo.startsWith("#")));
    const [head, ...rest] = (byName.length > 0 ? byName : pinned).map((r) => r.repositories);
    const repositories = (head ?? []).filter((repo) => rest.every((r) => r.includes(repo)));
    return { pinned: true, repositories };
  }
  const repositories = atomRepositories(expression, mapping);
  return repositories
    ? { pinned: true, repositories }
    : { pinned: false, repositories: [], unpinned: expression };
}

/**
 * Reads `condition` with the provider's `attributeMapping` (an attribute mapped from `assertion.repository`
 * or `assertion.sub` may stand for it).
 */
export function readCondition(
  condition: string,
  mapping: Readonly<Record<string, string>> = {},
): ConditionReading {
  if (condition.trim() === "") return { pinned: false, repositories: [], unpinned: "(empty)" };
  return read(condition, mapping);
}

/**
 * The `||` alternatives of `condition` that do not require, as top-level `&&` terms, both
 * `assertion.repository_id == '<digits>'` and `assertion.repository == 'owner/name'` (either order of the
 * operands). Empty when every alternative pins the repository by id and by name.
 */
export function pinsRepositoryIdAndName(condition: string): string[] {
  if (condition.trim() === "") return ["(empty)"];
  const id = new RegExp(
    `^(?:assertion\\.repository_id\\s*==\\s*${QUOTED("\\d+")}|${QUOTED("\\d+")}\\s*==\\s*assertion\\.repository_id)$`,
  );
  const name = new RegExp(
    `^(?:assertion\\.repository\\s*==\\s*${QUOTED(REPO)}|${QUOTED(REPO)}\\s*==\\s*assertion\\.repository)$`,
  );
  return splitTop(unwrap(condition), "||")
    .map(unwrap)
    .filter((alternative) => {
      const terms = splitTop(alternative, "&&").map(unwrap);
      return !(terms.some((t) => id.test(t)) && terms.some((t) => name.test(t)));
    });
}
