/**
 * A value a leak test hands to the code as a secret, then looks for in every output. Made afresh on each
 * run, so no credential-looking literal is committed and no test can pass by matching a fixed string.
 */
import { randomUUID } from "node:crypto";

export const leakProbe = (label: string): string => `${label}-${randomUUID()}`;
