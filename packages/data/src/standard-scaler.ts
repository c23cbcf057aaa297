/**
 * Standard scaling: (x − mean) / std, with the mean and the (population)
 * standard deviation of the training values. A constant series has std 0
 * (or one lost in rounding); it is divided by 1 instead, so it maps to 0
 * rather than to NaN.
 */
import { check } from "./errors.js";
import {
  affine,
  checkFitValues,
  type Scalable,
  type Scaled,
  usableSpread,
} from "./scale-values.js";

export interface StandardScalerJSON {
  readonly format: "recurrent-scaler@1";
  readonly kind: "standard";
  readonly mean: number;
  readonly std: number;
}

export class StandardScaler {
  readonly kind = "standard";

  /** @internal use `StandardScaler.fit` or `StandardScaler.fromJSON`. */
  constructor(
    readonly mean: number,
    readonly std: number,
  ) {}

  /**
   * Fit on the training values.
   *
   * @example
   * const scaler = StandardScaler.fit([1, 2, 3]);
   * scaler.transform([1, 2, 3]);        // Float64Array [-1.2247…, 0, 1.2247…]
   * scaler.inverseTransform([0]);       // Float64Array [2]
   */
  static fit(values: ArrayLike<number>): StandardScaler {
    checkFitValues("StandardScaler.fit", values);
    let mean = 0;
    for (let i = 0; i < values.length; i++) mean += ((values[i] as number) - mean) / (i + 1);
    let squares = 0;
    for (let i = 0; i < values.length; i++) squares += ((values[i] as number) - mean) ** 2;
    return new StandardScaler(mean, Math.sqrt(squares / values.length));
  }

  static fromJSON(json: StandardScalerJSON): StandardScaler {
    check(
      json?.format === "recurrent-scaler@1" &&
        json.kind === "standard" &&
        Number.isFinite(json.mean) &&
        Number.isFinite(json.std) &&
        json.std >= 0,
      "INVALID_STATE",
      () =>
        `StandardScaler.fromJSON: expected { format: "recurrent-scaler@1", kind: "standard", mean, std >= 0 }, got ${JSON.stringify(json)}`,
    );
    return new StandardScaler(json.mean, json.std);
  }

  /** The divisor actually used: std, or 1 for a (numerically) constant series. */
  private get divisor(): number {
    return usableSpread(this.std, this.mean);
  }

  transform<T extends Scalable>(values: T): Scaled<T> {
    return affine(values, this.mean, 1 / this.divisor, 0);
  }

  inverseTransform<T extends Scalable>(values: T): Scaled<T> {
    return affine(values, 0, this.divisor, this.mean);
  }

  toJSON(): StandardScalerJSON {
    return { format: "recurrent-scaler@1", kind: "standard", mean: this.mean, std: this.std };
  }
}
