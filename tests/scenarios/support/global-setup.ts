/** Builds the stand-in CLI's program model once, before scenario files start CLI processes in parallel. */
export default function setup(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const model = require("../../fixtures/fake-pulumi/lib/model.js") as { ensureBundle(): void };
  model.ensureBundle();
}
