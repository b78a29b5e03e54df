/**
 * The release contract lives with the program that reads it (`stacks/releases.ts`): the commands write
 * `module6:releases` and read the `revisions` output through the same definitions.
 */
export * from "../../stacks/releases";
