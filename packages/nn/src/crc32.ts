/**
 * CRC-32 (IEEE 802.3, the zlib / PNG / gzip polynomial 0xEDB88320), for the
 * per-tensor checksums a checkpoint stores: a flipped bit anywhere in a
 * tensor's bytes changes its CRC, so damage is found on load instead of
 * training or generating from wrong weights. Not a defence against
 * deliberate tampering, only against disks, copies and bugs.
 */
import type { Tensor } from "@recurrent/tensor";

const table = (() => {
  const out = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    out[n] = c >>> 0;
  }
  return out;
})();

/** CRC-32 of `bytes`, continuing from `previous` (0 to start). crc32("123456789") = 0xcbf43926. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    c = (table[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of a tensor as safetensors stores them: little-endian, row-major. */
export function tensorBytes(t: Tensor): Uint8Array {
  const values = t.data();
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const width = values.BYTES_PER_ELEMENT;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (t.dtype === "float32") view.setFloat32(width * i, v, true);
    else if (t.dtype === "float64") view.setFloat64(width * i, v, true);
    else view.setInt32(width * i, v, true);
  }
  return out;
}

/** A CRC-32 as 8 hex digits. */
export const crcHex = (crc: number) => crc.toString(16).padStart(8, "0");
