/**
 * The check that ranges of one VPC do not overlap, with the problem named at the later range: the network's
 * subnets and private services access (components/network.ts) and the GKE cluster subnet's ranges
 * (components/gke-cluster-rules.ts). Pure — no SDK — so the stack config applies it too.
 */
import { overlaps, type Ipv4Range } from "./cidr";
import type { ProblemSink } from "./validation";

/** A parsed range and where it came from (a field or config key path). */
export interface NamedRange {
  readonly path: string;
  readonly cidr: string;
  readonly range: Ipv4Range;
}

/** Reports each range that overlaps an earlier one, at the later range's path. */
export function checkDisjoint(p: ProblemSink, ranges: readonly NamedRange[]): void {
  ranges.forEach((a, i) =>
    ranges
      .slice(i + 1)
      .forEach((b) =>
        p.check(
          !overlaps(a.range, b.range),
          b.path,
          b.cidr,
          `a range that does not overlap ${a.path} (${a.cidr})`,
        ),
      ),
  );
}
