/**
 * The thresholds a canary is judged by: the service's own service levels as the program resolves them
 * (`module6:monitoring.slo` merged with `module6:services.<name>.slo`, DESIGN §1 defaults: availability
 * 99.9 % → error rate under 0.1 %, latency threshold 200 ms at the 95th percentile).
 */
import type { ServiceLevels } from "./analysis";
import { RELEASES_KEY } from "../../stacks/releases";

/** The service-level fields the analysis uses. */
export interface SloTargets {
  readonly availabilityGoal: number;
  readonly latencyThresholdMs: number;
}

/** Analysis thresholds from service levels: error rate under `1 - availability`, p95 under the threshold. */
export function levelsFromSlo(slo: SloTargets, minRequests: number): ServiceLevels {
  return {
    // Rounded: 1 - 0.999 is 0.0010000000000000009 in floating point.
    maxErrorRate: Math.round((1 - slo.availabilityGoal) * 1e9) / 1e9,
    maxP95Ms: slo.latencyThresholdMs,
    minRequests,
  };
}

/**
 * The resolved service levels of `service` in a stack's config map, through the program's own parser.
 * `secretKeys` are keys whose values were not read (nothing is decrypted): they count as present.
 */
export async function serviceSlo(
  stack: string,
  config: Readonly<Record<string, string>>,
  service: string,
  secretKeys: readonly string[] = [],
): Promise<SloTargets> {
  const { parseStackConfig, splitConfigMap } = await import("../../stacks/config");
  // The release record does not bear on service levels (and is parsed by the program's own wiring).
  const rest = Object.fromEntries(
    [...Object.entries(config), ...secretKeys.map((key) => [key, "[secret]"] as const)].filter(
      ([key]) => key !== RELEASES_KEY,
    ),
  );
  const parsed = parseStackConfig(splitConfigMap(stack, rest, secretKeys));
  const found = parsed.services.find((s) => s.name === service);
  if (found === undefined) throw new Error(`service ${service} vanished from the config of ${stack}`);
  return found.slo;
}
