/**
 * Entry point of the Pulumi program: load and validate the stack's config, build the stack, export its
 * outputs. A config mistake is a `ValidationError` (a Pulumi `RunError`): the CLI prints its message, no
 * stack trace, and exits non-zero before any resource is created.
 */
import { main } from "./stacks";

export = main();
