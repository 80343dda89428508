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
#include <memory>
#include <vector>

#include "code-ivf-codec.h"
#include "code-ivf-kernels.h"
#include "code-ivf-sketch.h"

namespace revisit {

/**
 * IndexIVF over Revisit's codes, inner product. Ids are the caller's (a direct hash map keeps
 * id → list position, so removal and code look-up are O(1) per id).
 */
struct CodeIvf : faiss::IndexIVF
{
  Codec codec;
  Kernels kernels;
  /** Set by training (the sketches of an inverted file of int8 codes), else null. */
  std::unique_ptr<const SketchProjection> projection;
  /**
   * Per list, beside FAISS's codes at the same positions. None with one list (a small site: every
   * code is scanned, nothing is trained) nor for float32 codes (the exact baseline).
   */
  std::vector<SketchList> sketches;

  CodeIvf(size_t d, size_t nlist, Codec codec, bool portableOnly)
      : faiss::IndexIVF(new faiss::IndexFlatIP(d), d, nlist, codeSize(codec, d), faiss::METRIC_INNER_PRODUCT),
        codec(codec), kernels(chooseKernels(d, portableOnly)), 
        sketches(codec == Codec::Int8 && nlist > 1 ? nlist : 0)
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

  /** The lists (k-means), then the sketch directions, on the same sample. */
  void train(idx_t n, const float *x) override
  {
    faiss::IndexIVF::train(n, x);
    if (!sketches.empty()) projection = std::make_unique<const SketchProjection>(d, n, x);
  }

  // FAISS's own add path would leave the sketches behind: everything comes in through addCodes,
  // encoded by the worker (identity-registry/centroid-code.ts).
  void add_core(idx_t, const float *, const idx_t *, const idx_t *) override
  {
    FAISS_THROW_MSG("add codes with addCodes");
  }

  void encode_vectors(idx_t, const float *, const idx_t *, uint8_t *, bool) const override
  {
    FAISS_THROW_MSG("codes come encoded: add them with addCodes");
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
    const size_t ds = sketches.empty() ? 0 : projection->ds;
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

  /** Sketches of m int8 codes: their int8 values through the int16 projection rows, four codes at a time. */
  void sketchCodes(idx_t m, const uint8_t *codes, int8_t *out, float *outScale) const
  {
    const SketchProjection &p = *projection;
    std::vector<float> y(4 * p.ds);
    int32_t dots[16];
    for (idx_t at = 0; at < m; at += 4)
    {
      size_t count = size_t(std::min<idx_t>(4, m - at));
      const int8_t *c[4];
      for (size_t t = 0; t < 4; t++) c[t] = reinterpret_cast<const int8_t *>(codes + (at + std::min(t, count - 1)) * code_size + 4);
      // Four rows × four codes a call where the CPU has the tile (ds is a multiple of 8).
      for (size_t j = 0; j < p.ds; j += 4)
      {
        const int16_t *rows[4];
        for (size_t u = 0; u < 4; u++) rows[u] = p.rows16.data() + (j + u) * d;
        if (kernels.int8Tile)
          kernels.int8Tile(rows, c, d, dots);
        else
          for (size_t u = 0; u < 4; u++) kernels.int8(rows[u], c, d, dots + 4 * u);
        for (size_t u = 0; u < 4; u++)
          for (size_t t = 0; t < 4; t++) y[t * p.ds + j + u] = float(dots[4 * u + t]);
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

  /** Bytes held: lists and sketches (by capacity), the id map, the coarse centroids and the sketch directions. */
  size_t memoryBytes() const
  {
    size_t bytes = size_t(quantizer->ntotal) * d * sizeof(float);
    const faiss::ArrayInvertedLists *lists = arrayLists();
    for (size_t l = 0; l < nlist; l++)
      bytes += lists->codes[l].capacity() + lists->ids[l].capacity() * sizeof(idx_t) + 2 * sizeof(std::vector<uint8_t>);
    // libstdc++ hash node: next pointer + key + value, in a 32-byte allocation; plus the buckets.
    bytes += direct_map.hashtable.size() * 32 + direct_map.hashtable.bucket_count() * sizeof(void *);
    for (const SketchList &sketch : sketches) bytes += sketch.capacityBytes();
    if (projection) bytes += projection->bytes();
    return bytes;
  }

  // How a batch is answered: code-ivf-search.h.
  void search_preassigned(idx_t n, const float *x, idx_t k, const idx_t *assign, const float *, float *distances, idx_t *labels,
                          bool store_pairs, const faiss::IVFSearchParameters *params, faiss::IndexIVFStats *) const override;
  std::vector<Shortlist> scanSketches(idx_t n, const float *x, size_t r, const std::vector<size_t> &start, const std::vector<idx_t> &byList) const;
  void rerank(const PreparedQueries &p, idx_t q, const Shortlist &shortlist, idx_t k, float *heapDis, idx_t *heapIds) const;
  template <typename CodeAt>
  void scoreCodes(const PreparedQueries &p, idx_t q, CodeAt codeAt, const idx_t *ids, size_t size, idx_t k, float *heapDis, idx_t *heapIds) const;
  template <typename Scan> void forEachBlock(size_t l, Scan scan) const;
  void scanInt8List(const PreparedQueries &p, size_t l, const idx_t *queries, size_t count, idx_t k, float *distances, idx_t *labels) const;
  void scanFourQueries(const PreparedQueries &p, const idx_t *queries, const uint8_t *codes, const idx_t *ids, size_t size, idx_t k, float *distances,
                       idx_t *labels) const;
  void scanFloatList(const float *x, size_t l, const idx_t *queries, size_t count, idx_t k, float *distances, idx_t *labels) const;
};

} // namespace revisit
