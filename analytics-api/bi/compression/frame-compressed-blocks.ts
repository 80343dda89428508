/**
 * ClickHouse's native compressed HTTP response (`compress=1`), as the JDBC driver asks for it: blocks
 * of [CityHash128 of the rest][0x82 = LZ4][size with header][raw size][LZ4 block].
 */
import { cityHash128 } from './city-hash-128.ts';

/** Uncompressed bytes per block: ClickHouse's own default (max_compress_block_size). */
export const COMPRESSED_BLOCK_BYTES = 1 << 20;
const LZ4_METHOD = 0x82;
const HEADER_BYTES = 9;

/**
 * An LZ4 block holding `data` as one run of literals: valid LZ4 that any decoder reads, at the cost
 * of no size gain. BI results are small aggregates; what matters is that the driver can read them.
 */
function lz4Literals(data: Buffer): Buffer {
  const lengthBytes: number[] = [];
  if (data.length >= 15) {
    let rest = data.length - 15;
    while (rest >= 255) {
      lengthBytes.push(255);
      rest -= 255;
    }
    lengthBytes.push(rest);
  }
  const token = Math.min(data.length, 15) << 4;
  return Buffer.concat([Buffer.from([token, ...lengthBytes]), data]);
}

/** One compressed block of at most COMPRESSED_BLOCK_BYTES of `data`. */
export function frameCompressedBlock(data: Buffer): Buffer {
  const body = lz4Literals(data);
  const block = Buffer.alloc(16 + HEADER_BYTES + body.length);
  block[16] = LZ4_METHOD;
  block.writeUInt32LE(HEADER_BYTES + body.length, 17);
  block.writeUInt32LE(data.length, 21);
  body.copy(block, 16 + HEADER_BYTES);
  const [lo, hi] = cityHash128(block.subarray(16));
  block.writeBigUInt64LE(lo, 0);
  block.writeBigUInt64LE(hi, 8);
  return block;
}
