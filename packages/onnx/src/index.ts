/**
 * @recurrent/onnx — a trained `SequenceModel` as an ONNX file, with ONNX's
 * own LSTM, GRU and RNN operators, for ONNX Runtime on servers, phones and
 * in browsers. Pure TypeScript over protobufjs: no Node-only code.
 */

export type { OnnxModelDescription, OnnxNode, OnnxValue } from "./describe-model.js";
export { describeOnnx } from "./describe-model.js";
export type { OnnxErrorCode } from "./errors.js";
export { OnnxExportError } from "./errors.js";
export type { OnnxExportOptions } from "./export-model.js";
export { exportOnnx, onnxIrVersion, onnxNames, onnxOpset } from "./export-model.js";
export type { GateCell } from "./gate-order.js";
export { onnxGateOrder, toOnnxOrder } from "./gate-order.js";
