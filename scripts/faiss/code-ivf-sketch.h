// The first pass of the re-id index's inverted file (code-ivf.h): every entry's vector projected
// onto the site's 128 leading directions and kept as int8 beside FAISS's lists, transposed in
// blocks of 16 entries so that one VNNI instruction scores 16 of them. A query scans the sketches
// of the lists it probes and keeps a shortlist; only the shortlist is scored on the full codes.
// At d = 512 the scan does a quarter of the multiplications, at four times the rate (int8 × int8,
// no widening, no horizontal sums).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <faiss/VectorTransform.h>

#include "code-ivf-codec.h"
#include "code-ivf-kernels.h"

namespace revisit {

/** Entries per transposed block: one 512-bit register of int32 sums. */
constexpr size_t SKETCH_BLOCK = 16;

/** Sketch dimensions for vectors of d: 128 at d = 512, all of a small d; a multiple of 8 (the kernel takes two groups of 4 at a time). */
static size_t sketchDimFor(size_t d)
{
  return std::min<size_t>(128, (d + 7) / 8 * 8);
}

/**
 * The directions a site's vectors have most of their energy along — the leading eigenvectors of
 * their second moment, trained with the lists (PCA of the sample and its negation: uncentred, so
 * the direction all face embeddings share counts too). A dot product over these keeps most of
 * the full one where embeddings concentrate in fewer dimensions than d, as a face model's do;
 * vectors spread evenly over the sphere (the bench's synthetic identities) keep a quarter of
 * each similarity, still ~7 standard deviations of a stranger's above it for a sighting of the
 * person. Rows beyond d stay zero. Stored codes go through int16 rows with the int8 kernels
 * (exact integer sums: every kernel gives the same sketch); queries, a few a batch, through the
 * float rows.
 */
struct SketchProjection
{
  size_t d, ds;
  std::vector<float> rows;
  std::vector<int16_t> rows16;
  float scale16 = 0;

  SketchProjection(size_t d, idx_t n, const float *x) : d(d), ds(sketchDimFor(d)), rows(ds * d, 0.0f), rows16(ds * d, 0)
  {
    std::vector<float> both(size_t(2 * n) * d);
    for (size_t i = 0; i < size_t(n) * d; i++) both[i] = x[i], both[size_t(n) * d + i] = -x[i];
    size_t out = std::min(ds, d);
    faiss::PCAMatrix pca{int(d), int(out)};
    pca.train(2 * n, both.data());
    std::copy(pca.A.begin(), pca.A.begin() + out * d, rows.begin());
    float maxAbs = 0;
    for (float v : rows) maxAbs = std::max(maxAbs, std::fabs(v));
    scale16 = maxAbs / 32767.0f;
    for (size_t i = 0; i < rows.size(); i++) rows16[i] = scale16 > 0 ? int16_t(std::lrint(rows[i] / scale16)) : 0;
  }

  size_t bytes() const
  {
    return rows.size() * sizeof(float) + rows16.size() * sizeof(int16_t);
  }
};

/** int8 with a scale, like a code: scale = max|y| / 127. Returns the scale. */
static float quantiseSketch(size_t ds, const float *y, int8_t *out)
{
  float maxAbs = 0;
  for (size_t j = 0; j < ds; j++) maxAbs = std::max(maxAbs, std::fabs(y[j]));
  float scale = maxAbs / 127.0f;
  for (size_t j = 0; j < ds; j++) out[j] = scale > 0 ? int8_t(std::lrint(y[j] / scale)) : 0;
  return scale;
}

/**
 * One list's sketches, entry i at the same position as in FAISS's list: bytes in blocks of
 * SKETCH_BLOCK × ds (uint8 = value + 128, transposed by 4 dimensions), scales padded to whole
 * blocks with zeros.
 */
struct SketchList
{
  std::vector<uint8_t> bytes;
  std::vector<float> scale;

  static size_t at(size_t ds, size_t entry, size_t j)
  {
    return (entry / SKETCH_BLOCK) * SKETCH_BLOCK * ds + (j / 4) * 4 * SKETCH_BLOCK + (entry % SKETCH_BLOCK) * 4 + j % 4;
  }

  /** Writes entry `entry` (at most one past the end), growing by whole blocks, an eighth at a time like the codes. */
  void put(size_t ds, size_t entry, const int8_t *sketch, float entryScale)
  {
    size_t blocks = entry / SKETCH_BLOCK + 1;
    if (scale.size() < blocks * SKETCH_BLOCK)
    {
      if (scale.capacity() < blocks * SKETCH_BLOCK)
      {
        size_t want = blocks + blocks / 8 + 1;
        bytes.reserve(want * SKETCH_BLOCK * ds);
        scale.reserve(want * SKETCH_BLOCK);
      }
      bytes.resize(blocks * SKETCH_BLOCK * ds, 128);
      scale.resize(blocks * SKETCH_BLOCK, 0.0f);
    }
    for (size_t j = 0; j < ds; j++) bytes[at(ds, entry, j)] = uint8_t(int(sketch[j]) + 128);
    scale[entry] = entryScale;
  }

  /** Entry `from` moves to `to` (FAISS's removal fills a hole with the list's last entry). */
  void move(size_t ds, size_t from, size_t to)
  {
    for (size_t j = 0; j < ds; j++) bytes[at(ds, to, j)] = bytes[at(ds, from, j)];
    scale[to] = scale[from];
  }

  /** Keeps the first `size` entries; a dropped lane's scale is zeroed (never mistaken for an entry). */
  void truncate(size_t ds, size_t size)
  {
    size_t blocks = (size + SKETCH_BLOCK - 1) / SKETCH_BLOCK;
    bytes.resize(blocks * SKETCH_BLOCK * ds);
    scale.resize(blocks * SKETCH_BLOCK);
    std::fill(scale.begin() + size, scale.end(), 0.0f);
  }

  size_t capacityBytes() const
  {
    return bytes.capacity() + scale.capacity() * sizeof(float) + sizeof(SketchList);
  }
};

/**
 * A query's best r by sketch, as (similarity, faiss::lo_build(list, offset)). Candidates above
 * the threshold are appended; at 2r the best r are kept (nth_element) and the threshold rises to
 * the r-th — O(1) a candidate, where a heap of 128 paid a sift of 7 levels for each.
 */
struct Shortlist
{
  std::vector<std::pair<float, idx_t>> items;
  float threshold = -INFINITY;
  size_t r = 0;

  explicit Shortlist(size_t r) : r(r)
  {
    items.reserve(2 * r);
  }

  void add(float sim, idx_t lo)
  {
    items.emplace_back(sim, lo);
    if (items.size() == 2 * r) keepBest();
  }

  void keepBest()
  {
    if (items.size() <= r) return;
    std::nth_element(items.begin(), items.begin() + (r - 1), items.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    items.resize(r);
    threshold = items[r - 1].first;
  }
};

} // namespace revisit
