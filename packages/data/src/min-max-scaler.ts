/**
 * Min-max scaling: the training minimum maps to range[0] and the training
 * maximum to range[1] (default [0, 1]). Values outside the training range
 * land outside the target range; nothing is clipped, so the map inverts.
 */
import { check } from "./errors.js";
import {
  affine,
  checkFitValues,
  type Scalable,
  type Scaled,
  usableSpread,
} from "./scale-values.js";

export interface MinMaxScalerJSON {
  readonly format: "recurrent-scaler@1";
  readonly kind: "min-max";
  readonly min: number;
  readonly max: number;
  readonly range: readonly [number, number];
}

export class MinMaxScaler {
  readonly kind = "min-max";

  /** @internal use `MinMaxScaler.fit` or `MinMaxScaler.fromJSON`. */
  constructor(
    readonly min: number,
    readonly max: number,
    readonly range: readonly [number, number] = [0, 1],
  ) {}

  /**
   * Fit on the training values.
   *
   * @example
   * const scaler = MinMaxScaler.fit([10, 20, 30], { range: [-1, 1] });
   * scaler.transform([10, 25]);    // Float64Array [-1, 0.5]
   */
  static fit(
    values: ArrayLike<number>,
    options: { range?: readonly [number, number] } = {},
  ): MinMaxScaler {
    checkFitValues("MinMaxScaler.fit", values);
    const range = options.range ?? [0, 1];
    check(
      Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1],
      "INVALID_ARGUMENT",
      () =>
        `MinMaxScaler.fit: expected range [low, high] with low < high, got [${range.join(", ")}]`,
    );
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return new MinMaxScaler(min, max, [range[0], range[1]]);
  }

  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    check(
      json?.format === "recurrent-scaler@1" &&
        json.kind === "min-max" &&
        Number.isFinite(json.min) &&
        Number.isFinite(json.max) &&
        json.max >= json.min &&
        Array.isArray(json.range) &&
        json.range.length === 2 &&
        json.range[0] < json.range[1],
      "INVALID_STATE",
      () =>
        `MinMaxScaler.fromJSON: expected { format: "recurrent-scaler@1", kind: "min-max", min <= max, range: [low, high] }, got ${JSON.stringify(json)}`,
    );
    return new MinMaxScaler(json.min, json.max, [json.range[0], json.range[1]]);
  }

  /** Output units per input unit (a numerically constant series uses a span of 1). */
  private get slope(): number {
    const magnitude = Math.max(Math.abs(this.min), Math.abs(this.max));
    return (this.range[1] - this.range[0]) / usableSpread(this.max - this.min, magnitude);
  }

  transform<T extends Scalable>(values: T): Scaled<T> {
    return affine(values, this.min, this.slope, this.range[0]);
  }

  inverseTransform<T extends Scalable>(values: T): Scaled<T> {
    return affine(values, this.range[0], 1 / this.slope, this.min);
  }

  toJSON(): MinMaxScalerJSON {
    return {
      format: "recurrent-scaler@1",
      kind: "min-max",
      min: this.min,
      max: this.max,
      range: [this.range[0], this.range[1]],
    };
  }
}
