// How the re-id index (code-ivf.h) answers a batch: list by list; int8 codes through their sketches
// (code-ivf-sketch.h) into a shortlist per query that the full codes re-rank, float32 codes (the
// exact baseline) all scanned.
#pragma once
#include <cmath>

#include "code-ivf.h"

namespace revisit {

/**
 * Sketch-pass candidates kept per query before the codes decide. A sighting's identity ranks at
 * the top of the sketches; what a short list drops are strangers' near-ties. Face-like identities
 * at 100k (code-ivf-sketch.test.ts's generator, every list probed, 600 queries): with 64 kept,
 * 1.7 % of the top-8 neighbours at cosine ≥ 0.3 were lost, all below 0.38; with 128, 0.3 %, all
 * below 0.33 — under the 0.45 the lowest decision (a recent identity in a small gallery) looks at.
 * The re-ranking of 128 costs ~1 % of the scan.
 */
static size_t shortlistFor(idx_t k)
{
  return size_t(std::max<idx_t>(128, 4 * k));
}

/**
 * List by list: every query that probes a list is scanned against it while the list is in
 * cache, so a batch reads each list from memory once instead of once per query. Trained int8
 * lists: the sketches give a shortlist per query, the codes re-rank it; one list (a small site)
 * and float32 codes (the exact baseline): every code.
 */
inline void CodeIvf::search_preassigned(idx_t n, const float *x, idx_t k, const idx_t *assign, const float *, float *distances, idx_t *labels,
                        bool store_pairs, const faiss::IVFSearchParameters *params, faiss::IndexIVFStats *) const
{
  FAISS_THROW_IF_NOT_MSG(!store_pairs, "store_pairs is not supported");
  const size_t probes = std::min(nlist, params ? params->nprobe : nprobe);
  using C = faiss::CMin<float, idx_t>;
  for (idx_t i = 0; i < n; i++) faiss::heap_heapify<C>(k, distances + i * k, labels + i * k);
  std::vector<size_t> start(nlist + 1, 0);
  for (size_t j = 0; j < size_t(n) * probes; j++)
    if (assign[j] >= 0) start[assign[j] + 1]++;
  for (size_t l = 0; l < nlist; l++) start[l + 1] += start[l];
  std::vector<idx_t> byList(start[nlist]);
  std::vector<size_t> fill(start.begin(), start.end() - 1);
  for (size_t j = 0; j < size_t(n) * probes; j++)
    if (assign[j] >= 0) byList[fill[assign[j]]++] = idx_t(j / probes);
  if (!sketches.empty())
  {
    size_t r = shortlistFor(k);
    std::vector<Shortlist> shortlists = scanSketches(n, x, r, start, byList);
    PreparedQueries prepared = prepareQueries(d, n, x);
    for (idx_t i = 0; i < n; i++) rerank(prepared, i, shortlists[i], k, distances + i * k, labels + i * k);
  }
  else
  {
    PreparedQueries prepared = codec == Codec::Int8 ? prepareQueries(d, n, x) : PreparedQueries{};
    for (size_t l = 0; l < nlist; l++)
    {
      if (start[l] == start[l + 1]) continue;
      if (codec == Codec::Int8)
        scanInt8List(prepared, l, &byList[start[l]], start[l + 1] - start[l], k, distances, labels);
      else
        scanFloatList(x, l, &byList[start[l]], start[l + 1] - start[l], k, distances, labels);
    }
  }
  for (idx_t i = 0; i < n; i++) faiss::heap_reorder<C>(k, distances + i * k, labels + i * k);
}

/** The r best of each query by sketch. */
inline std::vector<Shortlist> CodeIvf::scanSketches(idx_t n, const float *x, size_t r, const std::vector<size_t> &start,
                                                    const std::vector<idx_t> &byList) const
{
  const size_t ds = projection->ds;
  std::vector<Shortlist> shortlists(n, Shortlist(r));
  std::vector<int8_t> qs(size_t(n) * ds);
  std::vector<float> qScale(n), y(ds);
  std::vector<int32_t> bias(n);
  for (idx_t i = 0; i < n; i++)
  {
    for (size_t j = 0; j < ds; j++) y[j] = kernels.float32(projection->rows.data() + j * d, x + size_t(i) * d, d);
    qScale[i] = quantiseSketch(ds, y.data(), qs.data() + size_t(i) * ds);
    int32_t sum = 0;
    for (size_t j = 0; j < ds; j++) sum += qs[size_t(i) * ds + j];
    bias[i] = 128 * sum;
  }
  float sims[4 * SKETCH_BLOCK];
  for (size_t l = 0; l < nlist; l++)
  {
    size_t size = invlists->list_size(l);
    if (start[l] == start[l + 1] || size == 0) continue;
    const SketchList &list = sketches[l];
    // Four queries at a time over every block of the list (a list's sketches stay in L1/L2
    // cache while its groups of queries pass over them); a short group repeats its last query,
    // and nothing beats an infinite threshold.
    for (size_t at = start[l]; at < start[l + 1]; at += 4)
    {
      size_t m = std::min<size_t>(4, start[l + 1] - at);
      const int8_t *q[4];
      float qs4[4], threshold[4];
      int32_t bias4[4];
      Shortlist *best[4];
      for (size_t t = 0; t < 4; t++)
      {
        idx_t qi = byList[at + std::min(t, m - 1)];
        q[t] = qs.data() + size_t(qi) * ds;
        qs4[t] = qScale[qi];
        bias4[t] = bias[qi];
        best[t] = &shortlists[qi];
        threshold[t] = t < m ? best[t]->threshold : INFINITY;
      }
      for (size_t b = 0; b * SKETCH_BLOCK < size; b++)
      {
        size_t left = size - b * SKETCH_BLOCK;
        uint32_t valid = left >= SKETCH_BLOCK ? 0xFFFFu : (1u << left) - 1;
        const uint8_t *block = list.bytes.data() + b * SKETCH_BLOCK * ds;
        uint64_t above = kernels.sketch(block, q, ds, list.scale.data() + b * SKETCH_BLOCK, qs4, bias4, threshold, valid, sims);
        while (above)
        {
          int bit = __builtin_ctzll(above);
          above &= above - 1;
          int t = bit / 16;
          // The threshold may have risen since the kernel compared.
          if (sims[bit] <= best[t]->threshold) continue;
          best[t]->add(sims[bit], idx_t(faiss::lo_build(l, b * SKETCH_BLOCK + bit % 16)));
          threshold[t] = best[t]->threshold;
        }
      }
    }
  }
  for (Shortlist &best : shortlists) best.keepBest();
  return shortlists;
}

/** Scores query q's shortlist on the full codes (int16 query × int8 codes, exact sums) into its k-heap. */
inline void CodeIvf::rerank(const PreparedQueries &p, idx_t q, const Shortlist &shortlist, idx_t k, float *heapDis, idx_t *heapIds) const
{
  const auto *lists = arrayLists();
  std::vector<const uint8_t *> codes;
  std::vector<idx_t> ids;
  for (const auto &item : shortlist.items)
  {
    size_t list = faiss::lo_listno(item.second), offset = faiss::lo_offset(item.second);
    codes.push_back(lists->codes[list].data() + offset * code_size);
    ids.push_back(lists->ids[list][offset]);
  }
  scoreCodes(p, q, [&](size_t j) { return codes[j]; }, ids.data(), codes.size(), k, heapDis, heapIds);
}

/** One query against `size` int8 codes (codeAt(j) points at code j), four codes a call, into its k-heap. */
template <typename CodeAt>
inline void CodeIvf::scoreCodes(const PreparedQueries &p, idx_t q, CodeAt codeAt, const idx_t *ids, size_t size, idx_t k, float *heapDis,
                                idx_t *heapIds) const
{
  using C = faiss::CMin<float, idx_t>;
  const int16_t *query = p.q16.data() + size_t(q) * d;
  const int8_t *c[4];
  int32_t dots[4];
  for (size_t j = 0; j < size; j += 4)
  {
    size_t m = std::min<size_t>(4, size - j);
    // A short tail repeats its last code: the extra results are ignored.
    for (size_t t = 0; t < 4; t++) c[t] = reinterpret_cast<const int8_t *>(codeAt(j + std::min(t, m - 1)) + 4);
    kernels.int8(query, c, d, dots);
    for (size_t t = 0; t < m; t++)
    {
      float cScale;
      std::memcpy(&cScale, codeAt(j + t), 4);
      float sim = p.scale[q] * cScale * float(dots[t]);
      if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, heapIds, sim, ids[j + t]);
    }
  }
}

/**
 * Calls scan(from, end, codes, ids) over list l in blocks that stay in the core's L2 cache while
 * every query of the batch passes over them: a long list (one list holds a small site, and the
 * exact baseline is one list of everything) would otherwise be read from memory once per query.
 */
template <typename Scan> inline void CodeIvf::forEachBlock(size_t l, Scan scan) const
{
  size_t size = invlists->list_size(l);
  if (size == 0) return;
  faiss::InvertedLists::ScopedCodes codes(invlists, l);
  faiss::InvertedLists::ScopedIds ids(invlists, l);
  const size_t blockCodes = std::max<size_t>(1, (256 << 10) / code_size);
  for (size_t from = 0; from < size; from += blockCodes) scan(from, std::min(size, from + blockCodes), codes.get(), ids.get());
}

/** Every int8 code of list l against each of its `count` queries, four queries at a time where there are four. */
inline void CodeIvf::scanInt8List(const PreparedQueries &p, size_t l, const idx_t *queries, size_t count, idx_t k, float *distances,
                                  idx_t *labels) const
{
  forEachBlock(l, [&](size_t from, size_t end, const uint8_t *codes, const idx_t *ids) {
    const uint8_t *block = codes + from * code_size;
    size_t at = 0;
    for (; at + 4 <= count; at += 4) scanFourQueries(p, queries + at, block, ids + from, end - from, k, distances, labels);
    for (; at < count; at++)
      scoreCodes(p, queries[at], [&](size_t j) { return block + j * code_size; }, ids + from, end - from, k, distances + queries[at] * k,
                 labels + queries[at] * k);
  });
}

/** Four queries against `size` contiguous int8 codes: each code widened once for the four. */
inline void CodeIvf::scanFourQueries(const PreparedQueries &p, const idx_t *queries, const uint8_t *codes, const idx_t *ids, size_t size, idx_t k,
                                     float *distances, idx_t *labels) const
{
  using C = faiss::CMin<float, idx_t>;
  const int16_t *q[4];
  for (int t = 0; t < 4; t++) q[t] = p.q16.data() + size_t(queries[t]) * d;
  int32_t dots[16];
  auto consider = [&](size_t j, const int32_t *dotsOfCode, size_t stride) {
    float cScale;
    std::memcpy(&cScale, codes + j * code_size, 4);
    for (int t = 0; t < 4; t++)
    {
      idx_t qi = queries[t];
      float sim = p.scale[qi] * cScale * float(dotsOfCode[t * stride]);
      float *heapDis = distances + qi * k;
      if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, labels + qi * k, sim, ids[j]);
    }
  };
  size_t j = 0;
  if (kernels.int8Tile)
    for (; j + 4 <= size; j += 4)
    {
      const int8_t *c[4];
      for (int u = 0; u < 4; u++) c[u] = reinterpret_cast<const int8_t *>(codes + (j + u) * code_size + 4);
      kernels.int8Tile(q, c, d, dots);
      for (int u = 0; u < 4; u++) consider(j + u, dots + u, 4);
    }
  for (; j < size; j++)
  {
    kernels.int8Queries(q, reinterpret_cast<const int8_t *>(codes + j * code_size + 4), d, dots);
    consider(j, dots, 1);
  }
}

/** Every code of list l against each of its `count` queries (float32: the exact baseline). */
inline void CodeIvf::scanFloatList(const float *x, size_t l, const idx_t *queries, size_t count, idx_t k, float *distances, idx_t *labels) const
{
  using C = faiss::CMin<float, idx_t>;
  forEachBlock(l, [&](size_t from, size_t end, const uint8_t *codes, const idx_t *ids) {
    for (size_t at = 0; at < count; at++)
    {
      const float *query = x + size_t(queries[at]) * d;
      float *heapDis = distances + queries[at] * k;
      for (size_t j = from; j < end; j++)
      {
        float sim = kernels.float32(query, reinterpret_cast<const float *>(codes + j * code_size), d);
        if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, labels + queries[at] * k, sim, ids[j]);
      }
    }
  });
}

} // namespace revisit
