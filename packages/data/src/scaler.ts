/**
 * Choosing and restoring a scaler, and the safe way to use one: fit on the
 * training split, then transform all three splits with it.
 */
import { DataError } from "./errors.js";
import { MinMaxScaler, type MinMaxScalerJSON } from "./min-max-scaler.js";
import type { Splits } from "./splits.js";
import { StandardScaler, type StandardScalerJSON } from "./standard-scaler.js";

export type Scaler = StandardScaler | MinMaxScaler;
export type ScalerKind = Scaler["kind"];
export type ScalerJSON = StandardScalerJSON | MinMaxScalerJSON;

/** Rebuild a scaler of either kind from its JSON. */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  if (json?.kind === "standard") return StandardScaler.fromJSON(json);
  if (json?.kind === "min-max") return MinMaxScaler.fromJSON(json);
  throw new DataError(
    "INVALID_STATE",
    `scalerFromJSON: expected kind "standard" or "min-max", got ${JSON.stringify((json as { kind?: unknown } | null)?.kind)}`,
  );
}

/**
 * Fit a scaler on `splits.train` only and scale every split with it.
 *
 * @example
 * const splits = splitByPosition(series, { train: 0.8, validation: 0.1 });
 * const { scaler, train, validation, test } = scaleSplits(splits, "standard");
 * const forecast = scaler.inverseTransform(predictions); // back in the series' units
 */
export function scaleSplits(
  splits: Splits<ArrayLike<number>>,
  kind: ScalerKind = "standard",
): Splits<Float64Array> & { scaler: Scaler } {
  const scaler =
    kind === "standard" ? StandardScaler.fit(splits.train) : MinMaxScaler.fit(splits.train);
  return {
    scaler,
    train: scaler.transform(splits.train),
    validation: scaler.transform(splits.validation),
    test: scaler.transform(splits.test),
  };
}
