/**
 * Parsers of option values, for commander's `argParser`: a malformed value is rejected before anything
 * runs, with a message that says what is allowed.
 */
import { InvalidArgumentError } from "commander";
import { IMAGE_RULE, isLatestImage, NOT_LATEST_RULE, parseImage } from "../../components/shared/image";
import { formatDuration, parseDuration } from "../core/time";

/** A pull request number. */
export function parsePr(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new InvalidArgumentError("a pull request number such as 123.");
  return Number(value);
}

/** A list of pull request numbers, comma-separated and/or repeated. */
export function parsePrList(value: string, previous: readonly number[] = []): number[] {
  const parts = value
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  return [...previous, ...parts.map(parsePr)];
}

/** A duration between `min` and `max` (`90m`, `72h`, `3d`, `1h30m`), in milliseconds. */
export function durationParser(minMs: number, maxMs: number): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs || ms > maxMs)
      throw new InvalidArgumentError(
        `a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)} such as 90m, 72h or 3d.`,
      );
    return ms;
  };
}

/** `service=image`, repeatable: the images a pull request built. */
export function parseImageOverride(
  value: string,
  previous: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const match = /^([a-z][a-z0-9-]*)=(.+)$/.exec(value);
  if (!match)
    throw new InvalidArgumentError("service=image, e.g. api=asia-northeast3-docker.pkg.dev/p/r/api:pr-123.");
  const [, service = "", image = ""] = match;
  if (parseImage(image) === undefined) throw new InvalidArgumentError(`${IMAGE_RULE}.`);
  if (isLatestImage(image)) throw new InvalidArgumentError(`${NOT_LATEST_RULE}.`);
  if (service in previous) throw new InvalidArgumentError(`one image per service (${service} given twice).`);
  return { ...previous, [service]: image };
}

/** An image reference with an explicit tag or digest. */
export function parseImageRef(value: string): string {
  if (parseImage(value) === undefined) throw new InvalidArgumentError(`${IMAGE_RULE}.`);
  if (isLatestImage(value)) throw new InvalidArgumentError(`${NOT_LATEST_RULE}.`);
  return value;
}

/** A canary share: an integer 1-99 (100 is `release promote`). */
export function parseCanaryPercent(value: string): number {
  if (!/^\d{1,2}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("an integer 1-99 (send 100 % with release promote).");
  return Number(value);
}

/** A positive integer. */
export function parsePositiveInt(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new InvalidArgumentError("a positive integer.");
  return Number(value);
}

/** A Firestore collection to count, with the least number of documents it must hold: `users` or `users=100`. */
export interface CollectionCheck {
  readonly collection: string;
  readonly min: number;
}

/** `name[=min]`, repeatable (the minimum defaults to 1). */
export function parseCollectionCheck(
  value: string,
  previous: readonly CollectionCheck[] = [],
): CollectionCheck[] {
  const match = /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,1499})(?:=(\d{1,12}))?$/.exec(value);
  if (!match || match[1]?.startsWith("__"))
    throw new InvalidArgumentError(
      "a collection id with an optional minimum document count, e.g. users or users=100.",
    );
  return [...previous, { collection: match[1] ?? "", min: match[2] === undefined ? 1 : Number(match[2]) }];
}
