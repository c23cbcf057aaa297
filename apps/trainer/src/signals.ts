/**
 * The signals that stop a run cleanly, and the exit code each one ends
 * with. SIGINT (Ctrl-C), SIGTERM (`docker stop`, `kill`, a CI timeout) and
 * SIGHUP (a closed terminal) are treated alike: the current step finishes,
 * a checkpoint is written, and the process exits with 128 + the signal's
 * number (130, 143, 129), the code a shell reports for a process the
 * signal ended, so scripts and schedulers see why it stopped. PyTorch
 * Lightning does the same for SIGTERM (save, then stop), and torchrun's
 * agents report these codes.
 */
import { constants } from "node:os";

export const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof stopSignals)[number];

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function exitCodeOf(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** How the message names it: "Ctrl-C" for SIGINT, the signal's name otherwise. */
export function describeSignal(signal: StopSignal): string {
  return signal === "SIGINT" ? "Ctrl-C" : signal;
}
