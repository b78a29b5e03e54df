/**
 * How a failed command of `npm run ops` ends, through the command-line kit's reporter (cli-kit/report.ts):
 * commander's own errors (message already printed) and user mistakes exit 2, failed operations print one
 * line and exit 1 (130 after Ctrl-C), anything else is a bug and keeps its trace (exit 3).
 */
import { reportFailure as report, type FailureClassifier } from "../../cli-kit/report";
import { FAILURE_EXIT_CODE, OperationError } from "../core/errors";
import { AutomationError } from "../pulumi/automation";

const operationFailed: FailureClassifier = (error) =>
  error instanceof OperationError
    ? { exitCode: error.exitCode, message: error.message }
    : error instanceof AutomationError
      ? { exitCode: FAILURE_EXIT_CODE, message: error.message }
      : undefined;

/** Reports `error` through `write` (standard error) and returns the exit code. */
export function reportFailure(error: unknown, write: (text: string) => void): number {
  return report(error, write, [operationFailed]);
}
