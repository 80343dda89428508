// The re-id index itself: FAISS's IndexIVF (spherical k-means lists, id → position hash map) over
// Revisit's stored codes, searched list by list for a whole batch: int8 codes through their
// sketches first (code-ivf-sketch.h), then a shortlist on the codes. code-ivf-index.cc binds it
// to JavaScript.
#pragma once
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissAssert.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/utils/Heap.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "code-ivf-kernels.h"
#include "code-ivf-sketch.h"

namespace revisit {

using idx_t = faiss::Index::idx_t;

enum class Codec { Int8, Float32 };

// ---- the codes: int8 = [float32 scale][d × int8], x_i = scale × c_i; float32 = [d × float32] ----

static size_t codeSize(Codec codec, size_t d)
{
  return codec == Codec::Int8 ? 4 + d : 4 * d;
}

static void decode(Codec codec, size_t d, const uint8_t *code, float *out)
{
  if (codec == Codec::Float32)
  {
    std::memcpy(out, code, 4 * d);
    return;
  }
  float scale;
  std::memcpy(&scale, code, 4);
  const int8_t *c = reinterpret_cast<const int8_t *>(code + 4);
  for (size_t i = 0; i < d; i++) out[i] = scale * float(c[i]);
}

// Same arithmetic as identity-registry/centroid-code.ts (the worker encodes there; this is for
// FAISS's own add path): scale = max|x| / 127 rounded to float, c = floor(x / scale + 0.5).
static void encode(Codec codec, size_t d, const float *x, uint8_t *code)
{
  if (codec == Codec::Float32)
  {
    std::memcpy(code, x, 4 * d);
    return;
  }
  float maxAbs = 0;
  for (size_t i = 0; i < d; i++) maxAbs = std::max(maxAbs, std::fabs(x[i]));
  float scale = float(double(maxAbs) / 127.0);
  std::memcpy(code, &scale, 4);
  int8_t *c = reinterpret_cast<int8_t *>(code + 4);
  for (size_t i = 0; i < d; i++)
  {
    double v = scale > 0 ? std::floor(double(x[i]) / double(scale) + 0.5) : 0;
    c[i] = int8_t(std::max(-127.0, std::min(127.0, v)));
  }
}

// A query as the int8 kernels want it: int16 with its own scale (the rounding moves a cosine by ~1e-5).
struct PreparedQueries
{
  std::vector<int16_t> q16;
  std::vector<float> scale;
};

static PreparedQueries prepareQueries(size_t d, idx_t n, const float *x)
{
  PreparedQueries p;
  p.q16.resize(size_t(n) * d);
  p.scale.resize(n);
  for (idx_t i = 0; i < n; i++)
  {
    const float *q = x + size_t(i) * d;
    float maxAbs = 0;
    for (size_t j = 0; j < d; j++) maxAbs = std::max(maxAbs, std::fabs(q[j]));
    float s = maxAbs / 32767.0f;
    p.scale[i] = s;
    for (size_t j = 0; j < d; j++) p.q16[size_t(i) * d + j] = s > 0 ? int16_t(std::lrint(q[j] / s)) : 0;
  }
  return p;
}

/**
 * Sketch-pass candidates kept per query: the sketch ranks a sighting's identity first or close to
 * it (its similarity is ~8 standard deviations above a stranger's at d = 512), so the k nearest by
 * full code are among the first 64 with room to spare; then the codes decide.
 */
static size_t shortlistFor(idx_t k)
{
  return size_t(std::max<idx_t>(64, 4 * k));
}

/**
 * IndexIVF over Revisit's codes, inner product. Ids are the caller's (a direct hash map keeps
 * id → list position, so removal and code look-up are O(1) per id).
 */
struct CodeIvf : faiss::IndexIVF
{
  Codec codec;
  Kernels kernels;
  std::shared_ptr<const SketchProjection> projection;
  /** Per list, beside FAISS's codes at the same positions; none for float32 codes (the exact baseline scans them all). */
  std::vector<SketchList> sketches;

  CodeIvf(size_t d, size_t nlist, Codec codec, bool portableOnly)
      : faiss::IndexIVF(new faiss::IndexFlatIP(d), d, nlist, codeSize(codec, d), faiss::METRIC_INNER_PRODUCT),
        codec(codec), kernels(chooseKernels(d, portableOnly)), projection(SketchProjection::forDim(d)),
        sketches(codec == Codec::Int8 ? nlist : 0)
  {
    own_fields = true;
    // Ten passes of k-means settle the lists as well as FAISS's 25 here (recall measured in the bench).
    cp.niter = 10;
    set_direct_map_type(faiss::DirectMap::Hashtable);
    if (nlist == 1)
    {
      // One list is exact search: every vector goes there, nothing to train.
      std::vector<float> zero(d, 0.0f);
      quantizer->add(1, zero.data());
      is_trained = true;
    }
  }

  // FAISS's own add path would leave the sketches behind: everything comes in through addCodes.
  void add_core(idx_t, const float *, const idx_t *, const idx_t *) override
  {
    FAISS_THROW_MSG("add codes with addCodes");
  }

  void encode_vectors(idx_t n, const float *x, const idx_t *list_nos, uint8_t *codes, bool include_listnos) const override
  {
    FAISS_THROW_IF_NOT_MSG(!include_listnos, "list numbers in codes are not supported");
    for (idx_t i = 0; i < n; i++)
      if (list_nos[i] >= 0) encode(codec, d, x + size_t(i) * d, codes + size_t(i) * code_size);
  }

  void sa_decode(idx_t n, const uint8_t *codes, float *x) const override
  {
    for (idx_t i = 0; i < n; i++) decode(codec, d, codes + size_t(i) * code_size, x + size_t(i) * d);
  }

  void reconstruct_from_offset(int64_t list_no, int64_t offset, float *recons) const override
  {
    faiss::InvertedLists::ScopedCodes code(invlists, list_no, offset);
    decode(codec, d, code.get(), recons);
  }

  // The constructor's lists are FAISS's in-memory ArrayInvertedLists, and nothing replaces them.
  faiss::ArrayInvertedLists *arrayLists() const
  {
    return static_cast<faiss::ArrayInvertedLists *>(invlists);
  }

  /** Adds codes under the given ids (not yet present), assigning lists by the decoded vectors. */
  void addCodes(idx_t n, const uint8_t *codes, const idx_t *ids)
  {
    FAISS_THROW_IF_NOT_MSG(is_trained, "the index is not trained");
    for (idx_t i = 0; i < n; i++)
      FAISS_THROW_IF_NOT_FMT(direct_map.hashtable.count(ids[i]) == 0, "id %ld is already in the index", long(ids[i]));
    auto *lists = arrayLists();
    const idx_t chunk = 8192;
    std::vector<float> x(size_t(std::min(n, chunk)) * d);
    std::vector<idx_t> listNos(std::min(n, chunk));
    const size_t ds = projection->ds;
    std::vector<int8_t> sketch(sketches.empty() ? 0 : size_t(std::min(n, chunk)) * ds);
    std::vector<float> sketchScale(sketches.empty() ? 0 : std::min(n, chunk));
    faiss::DirectMapAdd mapAdd(direct_map, n, ids);
    for (idx_t at = 0; at < n; at += chunk)
    {
      idx_t m = std::min(chunk, n - at);
      sa_decode(m, codes + size_t(at) * code_size, x.data());
      quantizer->assign(m, x.data(), listNos.data());
      if (!sketches.empty()) sketchCodes(m, codes + size_t(at) * code_size, sketch.data(), sketchScale.data());
      for (idx_t i = 0; i < m; i++)
      {
        idx_t list = listNos[i];
        {
          // Grow a list by an eighth, not double: the lists are most of the worker's memory.
          auto &listCodes = lists->codes[list];
          size_t size = lists->ids[list].size();
          if (listCodes.capacity() < (size + 1) * code_size)
          {
            size_t want = size + size / 8 + 8;
            listCodes.reserve(want * code_size);
            lists->ids[list].reserve(want);
          }
        }
        size_t offset = invlists->add_entry(list, ids[at + i], codes + size_t(at + i) * code_size);
        mapAdd.add(at + i, list, offset);
        if (!sketches.empty()) sketches[list].put(ds, offset, sketch.data() + size_t(i) * ds, sketchScale[i]);
      }
    }
    ntotal += n;
  }

  /** Sketches of m int8 codes: their int8 values through the int16 projection rows, four codes a row at a time. */
  void sketchCodes(idx_t m, const uint8_t *codes, int8_t *out, float *outScale) const
  {
    const SketchProjection &p = *projection;
    std::vector<float> y(4 * p.ds);
    int32_t dots[4];
    for (idx_t at = 0; at < m; at += 4)
    {
      size_t count = size_t(std::min<idx_t>(4, m - at));
      const int8_t *c[4];
      for (size_t t = 0; t < 4; t++) c[t] = reinterpret_cast<const int8_t *>(codes + (at + std::min(t, count - 1)) * code_size + 4);
      for (size_t j = 0; j < p.ds; j++)
      {
        kernels.int8(p.rows16.data() + j * d, c, d, dots);
        for (size_t t = 0; t < 4; t++) y[t * p.ds + j] = float(dots[t]);
      }
      for (size_t t = 0; t < count; t++)
      {
        float cScale;
        std::memcpy(&cScale, codes + (at + t) * code_size, 4);
        outScale[at + t] = quantiseSketch(p.ds, y.data() + t * p.ds, out + (at + t) * p.ds) * cScale * p.scale16;
      }
    }
  }

  /**
   * FAISS's removal — the list's last entry fills the hole — done here so that the sketches move
   * with the codes. Takes an id array, as the binding passes.
   */
  size_t remove_ids(const faiss::IDSelector &sel) override
  {
    const auto *array = dynamic_cast<const faiss::IDSelectorArray *>(&sel);
    FAISS_THROW_IF_NOT_MSG(array, "removal takes an IDSelectorArray");
    auto *lists = arrayLists();
    auto &map = direct_map.hashtable;
    size_t removed = 0;
    for (size_t i = 0; i < array->n; i++)
    {
      auto found = map.find(array->ids[i]);
      if (found == map.end()) continue;
      size_t list = faiss::lo_listno(found->second), offset = faiss::lo_offset(found->second);
      size_t last = lists->ids[list].size() - 1;
      map.erase(found);
      uint8_t *listCodes = lists->codes[list].data();
      if (offset < last)
      {
        idx_t lastId = lists->ids[list][last];
        lists->ids[list][offset] = lastId;
        std::memcpy(listCodes + offset * code_size, listCodes + last * code_size, code_size);
        map[lastId] = faiss::lo_build(list, offset);
        if (!sketches.empty()) sketches[list].move(projection->ds, last, offset);
      }
      lists->ids[list].resize(last);
      lists->codes[list].resize(last * code_size);
      if (!sketches.empty()) sketches[list].truncate(projection->ds, last);
      removed++;
    }
    ntotal -= idx_t(removed);
    return removed;
  }

  /** Copies the stored code of each id (which must be present). */
  void codesOf(idx_t n, const idx_t *ids, uint8_t *out) const
  {
    for (idx_t i = 0; i < n; i++)
    {
      idx_t lo = direct_map.get(ids[i]);
      faiss::InvertedLists::ScopedCodes code(invlists, faiss::lo_listno(lo), faiss::lo_offset(lo));
      std::memcpy(out + size_t(i) * code_size, code.get(), code_size);
    }
  }

  /** Bytes held: lists (by capacity), the id map and the coarse centroids. */
  size_t memoryBytes() const
  {
    size_t bytes = size_t(quantizer->ntotal) * d * sizeof(float);
    const faiss::ArrayInvertedLists *lists = arrayLists();
    for (size_t l = 0; l < nlist; l++)
      bytes += lists->codes[l].capacity() + lists->ids[l].capacity() * sizeof(idx_t) + 2 * sizeof(std::vector<uint8_t>);
    // libstdc++ hash node: next pointer + key + value, in a 32-byte allocation; plus the buckets.
    bytes += direct_map.hashtable.size() * 32 + direct_map.hashtable.bucket_count() * sizeof(void *);
    for (const SketchList &sketch : sketches) bytes += sketch.capacityBytes();
    return bytes;
  }

  /**
   * List by list: every query that probes a list is scanned against it while the list is in
   * cache, so a batch reads each list from memory once instead of once per query. int8 codes:
   * the sketches give a shortlist per query, the codes re-rank it; float32 codes (the exact
   * baseline): every code.
   */
  void search_preassigned(idx_t n, const float *x, idx_t k, const idx_t *assign, const float *, float *distances, idx_t *labels,
                          bool store_pairs, const faiss::IVFSearchParameters *params, faiss::IndexIVFStats *) const override
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
    if (codec == Codec::Int8)
    {
      size_t r = shortlistFor(k);
      std::vector<float> shortDis(size_t(n) * r);
      std::vector<idx_t> shortLo(size_t(n) * r);
      scanSketches(n, x, r, start, byList, shortDis.data(), shortLo.data());
      PreparedQueries prepared = prepareQueries(d, n, x);
      for (idx_t i = 0; i < n; i++) rerank(prepared, i, shortLo.data() + size_t(i) * r, r, k, distances + i * k, labels + i * k);
    }
    else
      for (size_t l = 0; l < nlist; l++)
        if (start[l] < start[l + 1]) scanFloatList(x, l, &byList[start[l]], start[l + 1] - start[l], k, distances, labels);
    for (idx_t i = 0; i < n; i++) faiss::heap_reorder<C>(k, distances + i * k, labels + i * k);
  }

  /** The r best of each query by sketch, as (list, offset) pairs (faiss::lo_build), in min-heaps. */
  void scanSketches(idx_t n, const float *x, size_t r, const std::vector<size_t> &start, const std::vector<idx_t> &byList, float *shortDis,
                    idx_t *shortLo) const
  {
    using C = faiss::CMin<float, idx_t>;
    const size_t ds = projection->ds;
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
      faiss::heap_heapify<C>(r, shortDis + size_t(i) * r, shortLo + size_t(i) * r);
    }
    float sims[4 * SKETCH_BLOCK];
    for (size_t l = 0; l < nlist; l++)
    {
      size_t size = invlists->list_size(l);
      if (start[l] == start[l + 1] || size == 0) continue;
      const SketchList &list = sketches[l];
      // Block by block, each block in L1 while every query of the list passes over it, four at a time.
      for (size_t b = 0; b * SKETCH_BLOCK < size; b++)
      {
        size_t left = size - b * SKETCH_BLOCK;
        uint32_t valid = left >= SKETCH_BLOCK ? 0xFFFFu : (1u << left) - 1;
        const uint8_t *block = list.bytes.data() + b * SKETCH_BLOCK * ds;
        for (size_t at = start[l]; at < start[l + 1]; at += 4)
        {
          size_t m = std::min<size_t>(4, start[l + 1] - at);
          const int8_t *q[4];
          idx_t qi[4];
          float qs4[4], threshold[4];
          int32_t bias4[4];
          for (size_t t = 0; t < 4; t++)
          {
            // A short group repeats its last query, and nothing beats an infinite threshold.
            qi[t] = byList[at + std::min(t, m - 1)];
            q[t] = qs.data() + size_t(qi[t]) * ds;
            qs4[t] = qScale[qi[t]];
            bias4[t] = bias[qi[t]];
            threshold[t] = t < m ? shortDis[size_t(qi[t]) * r] : INFINITY;
          }
          uint64_t above = kernels.sketch(block, q, ds, list.scale.data() + b * SKETCH_BLOCK, qs4, bias4, threshold, valid, sims);
          while (above)
          {
            int bit = __builtin_ctzll(above);
            above &= above - 1;
            float *heapDis = shortDis + size_t(qi[bit / 16]) * r;
            if (sims[bit] > heapDis[0])
              faiss::heap_replace_top<C>(r, heapDis, shortLo + size_t(qi[bit / 16]) * r, sims[bit], idx_t(faiss::lo_build(l, b * SKETCH_BLOCK + bit % 16)));
          }
        }
      }
    }
  }

  /** Scores query q's shortlist on the full codes (int16 query × int8 codes, exact sums) into its k-heap. */
  void rerank(const PreparedQueries &p, idx_t q, const idx_t *shortLo, size_t r, idx_t k, float *heapDis, idx_t *heapIds) const
  {
    using C = faiss::CMin<float, idx_t>;
    const auto *lists = arrayLists();
    const int16_t *query = p.q16.data() + size_t(q) * d;
    std::vector<const uint8_t *> codes;
    std::vector<idx_t> ids;
    for (size_t j = 0; j < r; j++)
    {
      if (shortLo[j] < 0) continue;
      size_t list = faiss::lo_listno(shortLo[j]), offset = faiss::lo_offset(shortLo[j]);
      codes.push_back(lists->codes[list].data() + offset * code_size);
      ids.push_back(lists->ids[list][offset]);
    }
    const int8_t *c[4];
    int32_t dots[4];
    for (size_t j = 0; j < codes.size(); j += 4)
    {
      size_t m = std::min<size_t>(4, codes.size() - j);
      // A short tail repeats its last code: the extra results are ignored.
      for (size_t t = 0; t < 4; t++) c[t] = reinterpret_cast<const int8_t *>(codes[j + std::min(t, m - 1)] + 4);
      kernels.int8(query, c, d, dots);
      for (size_t t = 0; t < m; t++)
      {
        float cScale;
        std::memcpy(&cScale, codes[j + t], 4);
        float sim = p.scale[q] * cScale * float(dots[t]);
        if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, heapIds, sim, ids[j + t]);
      }
    }
  }

  /** Every code of list l against each of its `count` queries (float32: the exact baseline). */
  void scanFloatList(const float *x, size_t l, const idx_t *queries, size_t count, idx_t k, float *distances, idx_t *labels) const
  {
    using C = faiss::CMin<float, idx_t>;
    size_t size = invlists->list_size(l);
    if (size == 0) return;
    faiss::InvertedLists::ScopedCodes codes(invlists, l);
    faiss::InvertedLists::ScopedIds ids(invlists, l);
    // A long list (exact search is one list of everything) is scanned in blocks that stay in the
    // core's L2 cache while every query of the batch passes over them.
    const size_t blockCodes = std::max<size_t>(1, (256 << 10) / code_size);
    for (size_t from = 0; from < size; from += blockCodes)
    {
      size_t end = std::min(size, from + blockCodes);
      for (size_t at = 0; at < count; at++)
      {
        const float *query = x + size_t(queries[at]) * d;
        float *heapDis = distances + queries[at] * k;
        for (size_t j = from; j < end; j++)
        {
          float sim = kernels.float32(query, reinterpret_cast<const float *>(codes.get() + j * code_size), d);
          if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, labels + queries[at] * k, sim, ids.get()[j]);
        }
      }
    }
  }
};

} // namespace revisit
