/** Sets nprobe on a faiss-node IVF index, which the stock faiss-node API cannot do, through its serialised form. */

/**
 * FAISS's writer puts an IVF index's header first: fourcc(4) d(int32) ntotal(int64) two dummies
 * (int64) is_trained(1) metric_type(int32), then nlist(size_t) and nprobe(size_t) — metric_arg is
 * written only for metric types > 1, and we use inner product (0). Checked against FAISS 1.7.3's
 * index_write.cpp and by reading nlist back. Call it on a trained, still empty index: the round
 * trip then costs only the coarse centroids.
 */
const NLIST_OFFSET = 4 + 4 + 8 + 8 + 8 + 1 + 4;
const NPROBE_OFFSET = NLIST_OFFSET + 8;

/** The serialised form of `index` set to probe `nprobe` lists per query: open it with faiss.Index.fromBuffer. */
export function ivfWithNprobe(index: { toBuffer(): Buffer }, nlist: number, nprobe: number): Buffer {
  const buffer = index.toBuffer();
  const fourcc = buffer.subarray(0, 2).toString('latin1');
  if (fourcc !== 'Iw' || Number(buffer.readBigUInt64LE(NLIST_OFFSET)) !== nlist) {
    throw new Error(`not an inner-product IVF index with ${nlist} lists (fourcc ${buffer.subarray(0, 4).toString('latin1')})`);
  }
  buffer.writeBigUInt64LE(BigInt(Math.max(1, Math.min(nlist, nprobe))), NPROBE_OFFSET);
  return buffer;
}
