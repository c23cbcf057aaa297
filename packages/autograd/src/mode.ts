/**
 * Whether ops are being recorded, and the debug switch. `noGrad` is what
 * evaluation, generation and optimizer updates run under.
 */

let enabled = true;
let checkFinite = false;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Run `fn` without recording: its results never require gradients. */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Run `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

export interface DebugOptions {
  /**
   * Check every recorded op's output in the forward pass and every gradient
   * in the backward pass, and throw at the first NaN or ±Infinity, naming the
   * op that produced it. Slow: for hunting a divergence, not for training.
   */
  checkFinite?: boolean;
}

export function setDebug(options: DebugOptions): void {
  checkFinite = options.checkFinite ?? checkFinite;
}

export function isCheckingFinite(): boolean {
  return checkFinite;
}
