/**
 * Entry point of the bootstrap project: read and check its config, build it, export what the workflows
 * need (main.ts). Run once per GCP project by an administrator (docs/delivery.md).
 */
import { main } from "./main";

export = main();
