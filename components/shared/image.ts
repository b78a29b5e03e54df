/** Container image references: `[registry/]path(:tag|@sha256:digest)`, with an explicit tag or digest. */

const IMAGE_PATTERN =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?(?:@sha256:([a-f0-9]{64}))?$/;

export interface ImageReference {
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference; `undefined` when it is malformed or has neither tag nor digest. */
export function parseImage(ref: string): ImageReference | undefined {
  const match = IMAGE_PATTERN.exec(ref);
  if (!match) return undefined;
  const [, tag, digest] = match;
  if (tag === undefined && digest === undefined) return undefined;
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export const IMAGE_RULE =
  "an image reference with an explicit tag or digest, e.g. asia-northeast3-docker.pkg.dev/p/repo/api:1.2.3 or …@sha256:<64 hex>";

/** True for a reference whose only pin is the moving `latest` tag (no digest). */
export function isLatestImage(ref: string): boolean {
  const image = parseImage(ref);
  return image?.tag === "latest" && image.digest === undefined;
}

export const NOT_LATEST_RULE =
  "a version tag or a digest, not :latest (a moving tag: a revision must run the image that was reviewed, see the cloud-run-image-pinned policy)";
