// The re-id index itself: FAISS's IndexIVF (spherical k-means lists, id → position hash map) over
// Revisit's stored codes, searched list by list for a whole batch. code-ivf-index.cc binds it to
// JavaScript.
#pragma once
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissAssert.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/utils/Heap.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "code-ivf-kernels.h"

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

// A query as the kernels want it: int16 with its own scale for int8 codes (the rounding moves a
// cosine by ~1e-5), the floats themselves for float32 codes.
struct PreparedQueries
{
  std::vector<int16_t> q16;
  std::vector<float> scale;
  const float *x;
};

static PreparedQueries prepareQueries(Codec codec, size_t d, idx_t n, const float *x)
{
  PreparedQueries p{{}, {}, x};
  if (codec == Codec::Float32) return p;
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
 * IndexIVF over Revisit's codes, inner product. Ids are the caller's (a direct hash map keeps
 * id → list position, so removal and code look-up are O(1) per id).
 */
struct CodeIvf : faiss::IndexIVF
{
  Codec codec;
  Kernels kernels;

  CodeIvf(size_t d, size_t nlist, Codec codec, bool portableOnly)
      : faiss::IndexIVF(new faiss::IndexFlatIP(d), d, nlist, codeSize(codec, d), faiss::METRIC_INNER_PRODUCT),
        codec(codec), kernels(chooseKernels(d, portableOnly))
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
    faiss::DirectMapAdd mapAdd(direct_map, n, ids);
    for (idx_t at = 0; at < n; at += chunk)
    {
      idx_t m = std::min(chunk, n - at);
      sa_decode(m, codes + size_t(at) * code_size, x.data());
      quantizer->assign(m, x.data(), listNos.data());
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
      }
    }
    ntotal += n;
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
    return bytes;
  }

  /**
   * List by list: every query that probes a list is scanned against it while the list is in
   * cache, so a batch reads each list from memory once instead of once per query.
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
    PreparedQueries prepared = prepareQueries(codec, d, n, x);
    // A long list (exact search is one list of everything) is scanned in blocks that stay in the
    // core's L2 cache while every query of the batch passes over them.
    const size_t blockCodes = std::max<size_t>(1, (256 << 10) / code_size);
    for (size_t l = 0; l < nlist; l++)
    {
      if (start[l] == start[l + 1]) continue;
      size_t size = invlists->list_size(l);
      if (size == 0) continue;
      faiss::InvertedLists::ScopedCodes codes(invlists, l);
      faiss::InvertedLists::ScopedIds ids(invlists, l);
      for (size_t from = 0; from < size; from += blockCodes)
      {
        size_t count = std::min(blockCodes, size - from);
        size_t at = start[l];
        if (codec == Codec::Int8)
          for (; at + 4 <= start[l + 1]; at += 4)
            scanFourQueries(prepared, &byList[at], codes.get() + from * code_size, ids.get() + from, count, k, distances, labels);
        for (; at < start[l + 1]; at++)
        {
          idx_t q = byList[at];
          scanList(prepared, q, codes.get() + from * code_size, ids.get() + from, count, k, distances + q * k, labels + q * k);
        }
      }
    }
    for (idx_t i = 0; i < n; i++) faiss::heap_reorder<C>(k, distances + i * k, labels + i * k);
  }

  void scanFourQueries(const PreparedQueries &p, const idx_t *queries, const uint8_t *codes, const idx_t *ids, size_t size, idx_t k,
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

  void scanList(const PreparedQueries &p, idx_t q, const uint8_t *codes, const idx_t *ids, size_t size, idx_t k, float *heapDis,
                idx_t *heapIds) const
  {
    using C = faiss::CMin<float, idx_t>;
    if (codec == Codec::Float32)
    {
      const float *query = p.x + size_t(q) * d;
      for (size_t j = 0; j < size; j++)
      {
        float sim = kernels.float32(query, reinterpret_cast<const float *>(codes + j * code_size), d);
        if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, heapIds, sim, ids[j]);
      }
      return;
    }
    const int16_t *query = p.q16.data() + size_t(q) * d;
    const float qScale = p.scale[q];
    const int8_t *c[4];
    int32_t dots[4];
    for (size_t j = 0; j < size; j += 4)
    {
      size_t m = std::min<size_t>(4, size - j);
      // A short tail repeats its last code: the extra results are ignored.
      for (size_t t = 0; t < 4; t++) c[t] = reinterpret_cast<const int8_t *>(codes + (j + std::min(t, m - 1)) * code_size + 4);
      kernels.int8(query, c, d, dots);
      for (size_t t = 0; t < m; t++)
      {
        float cScale;
        std::memcpy(&cScale, codes + (j + t) * code_size, 4);
        float sim = qScale * cScale * float(dots[t]);
        if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, heapIds, sim, ids[j + t]);
      }
    }
  }
};

} // namespace revisit
