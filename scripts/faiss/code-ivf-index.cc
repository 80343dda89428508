// Revisit's re-id index, compiled into the faiss-node addon: FAISS's inverted file (k-means
// coarse quantiser, lists, id map) over codes the worker stores as they are in Redis (int8 with
// a per-vector scale, or float32 for the exact baseline), scanned list by list for a whole batch
// with SIMD kernels chosen at run time. Debian's libfaiss is built for baseline x86-64, so its own
// scanners run without AVX2; these kernels are what make a batch fast.
#include <napi.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissAssert.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/utils/Heap.h>
#include <faiss/utils/distances.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace revisit {

using idx_t = faiss::Index::idx_t;

enum class Codec { Int8, Float32 };

// ---- kernels: the int8 ones sum exact integers, so every path returns the same number ----

// Four codes against one query: the query's int16 chunk is loaded once for the four.
static void dot4Int8Portable(const int16_t *q, const int8_t *const *c, size_t d, int32_t *out)
{
  for (int j = 0; j < 4; j++)
  {
    int32_t sum = 0;
    for (size_t i = 0; i < d; i++) sum += int32_t(q[i]) * int32_t(c[j][i]);
    out[j] = sum;
  }
}

__attribute__((target("avx2"))) static int32_t hsumAvx2(__m256i s)
{
  __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
  return _mm_cvtsi128_si32(h);
}

__attribute__((target("avx2"))) static void dot4Int8Avx2(const int16_t *q, const int8_t *const *c, size_t d, int32_t *out)
{
  __m256i a[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
  for (size_t i = 0; i < d; i += 16)
  {
    __m256i qv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(q + i));
    for (int j = 0; j < 4; j++)
      a[j] = _mm256_add_epi32(a[j], _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(c[j] + i))), qv));
  }
  for (int j = 0; j < 4; j++) out[j] = hsumAvx2(a[j]);
}

__attribute__((target("avx512f,avx512bw"))) static void dot4Int8Avx512(const int16_t *q, const int8_t *const *c, size_t d, int32_t *out)
{
  __m512i a[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  for (size_t i = 0; i < d; i += 32)
  {
    __m512i qv = _mm512_loadu_si512(q + i);
    for (int j = 0; j < 4; j++)
      a[j] = _mm512_add_epi32(a[j], _mm512_madd_epi16(_mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(c[j] + i))), qv));
  }
  for (int j = 0; j < 4; j++) out[j] = _mm512_reduce_add_epi32(a[j]);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void dot4Int8Vnni(const int16_t *q, const int8_t *const *c, size_t d, int32_t *out)
{
  __m512i a[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  for (size_t i = 0; i < d; i += 32)
  {
    __m512i qv = _mm512_loadu_si512(q + i);
    for (int j = 0; j < 4; j++)
      a[j] = _mm512_dpwssd_epi32(a[j], _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(c[j] + i))), qv);
  }
  for (int j = 0; j < 4; j++) out[j] = _mm512_reduce_add_epi32(a[j]);
}

// Four queries against one code: the code's int8 → int16 widening, the costly step, is done once
// for the four (list by list a batch has several queries per list).
static void dot4QueriesInt8Portable(const int16_t *const *q, const int8_t *c, size_t d, int32_t *out)
{
  for (int j = 0; j < 4; j++)
  {
    int32_t sum = 0;
    for (size_t i = 0; i < d; i++) sum += int32_t(q[j][i]) * int32_t(c[i]);
    out[j] = sum;
  }
}

__attribute__((target("avx2"))) static void dot4QueriesInt8Avx2(const int16_t *const *q, const int8_t *c, size_t d, int32_t *out)
{
  __m256i a[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
  for (size_t i = 0; i < d; i += 16)
  {
    __m256i cv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(c + i)));
    for (int j = 0; j < 4; j++)
      a[j] = _mm256_add_epi32(a[j], _mm256_madd_epi16(cv, _mm256_loadu_si256(reinterpret_cast<const __m256i *>(q[j] + i))));
  }
  for (int j = 0; j < 4; j++) out[j] = hsumAvx2(a[j]);
}

__attribute__((target("avx512f,avx512bw"))) static void dot4QueriesInt8Avx512(const int16_t *const *q, const int8_t *c, size_t d, int32_t *out)
{
  __m512i a[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  for (size_t i = 0; i < d; i += 32)
  {
    __m512i cv = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(c + i)));
    for (int j = 0; j < 4; j++) a[j] = _mm512_add_epi32(a[j], _mm512_madd_epi16(cv, _mm512_loadu_si512(q[j] + i)));
  }
  for (int j = 0; j < 4; j++) out[j] = _mm512_reduce_add_epi32(a[j]);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void dot4QueriesInt8Vnni(const int16_t *const *q, const int8_t *c, size_t d, int32_t *out)
{
  __m512i a[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  for (size_t i = 0; i < d; i += 32)
  {
    __m512i cv = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(c + i)));
    for (int j = 0; j < 4; j++) a[j] = _mm512_dpwssd_epi32(a[j], cv, _mm512_loadu_si512(q[j] + i));
  }
  for (int j = 0; j < 4; j++) out[j] = _mm512_reduce_add_epi32(a[j]);
}

static float dotFloatPortable(const float *a, const float *b, size_t d)
{
  float sum = 0;
  for (size_t i = 0; i < d; i++) sum += a[i] * b[i];
  return sum;
}

__attribute__((target("avx2,fma"))) static float dotFloatAvx2(const float *a, const float *b, size_t d)
{
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
  for (size_t i = 0; i < d; i += 32)
  {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  return _mm_cvtss_f32(h);
}

using Dot4Int8 = void (*)(const int16_t *, const int8_t *const *, size_t, int32_t *);
using Dot4QueriesInt8 = void (*)(const int16_t *const *, const int8_t *, size_t, int32_t *);
using DotFloat = float (*)(const float *, const float *, size_t);

struct Kernels
{
  Dot4Int8 int8;
  Dot4QueriesInt8 int8Queries;
  DotFloat float32;
  std::string name;
};

// The widest kernel this CPU runs; SIMD paths need d to be a multiple of 32 (512 is).
static Kernels chooseKernels(size_t d, bool portableOnly)
{
  __builtin_cpu_init();
  bool simd = !portableOnly && d % 32 == 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (simd && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni")) return {dot4Int8Vnni, dot4QueriesInt8Vnni, dotFloatAvx2, "avx512-vnni"};
  if (simd && __builtin_cpu_supports("avx512bw")) return {dot4Int8Avx512, dot4QueriesInt8Avx512, dotFloatAvx2, "avx512"};
  if (simd) return {dot4Int8Avx2, dot4QueriesInt8Avx2, dotFloatAvx2, "avx2"};
  return {dot4Int8Portable, dot4QueriesInt8Portable, dotFloatPortable, "portable"};
}

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
    int32_t dots[4];
    for (size_t j = 0; j < size; j++)
    {
      const uint8_t *code = codes + j * code_size;
      kernels.int8Queries(q, reinterpret_cast<const int8_t *>(code + 4), d, dots);
      float cScale;
      std::memcpy(&cScale, code, 4);
      for (int t = 0; t < 4; t++)
      {
        idx_t qi = queries[t];
        float sim = p.scale[qi] * cScale * float(dots[t]);
        float *heapDis = distances + qi * k;
        if (sim > heapDis[0]) faiss::heap_replace_top<C>(k, heapDis, labels + qi * k, sim, ids[j]);
      }
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

// ---- the JavaScript class ----

static const idx_t *readIds(const Napi::Value &value, std::vector<idx_t> &out)
{
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(value.Env(), "ids must be a Float64Array of integers");
  auto ids = value.As<Napi::Float64Array>();
  out.resize(ids.ElementLength());
  for (size_t i = 0; i < out.size(); i++)
  {
    double v = ids[i];
    if (!(v >= 0 && v <= 9007199254740991.0) || std::floor(v) != v) throw Napi::RangeError::New(value.Env(), "ids must be non-negative integers");
    out[i] = idx_t(v);
  }
  return out.data();
}

static Napi::Uint8Array readCodes(const Napi::Value &value, size_t codeBytes, size_t count)
{
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(value.Env(), "codes must be a Uint8Array");
  auto codes = value.As<Napi::Uint8Array>();
  if (codes.ElementLength() != codeBytes * count)
    throw Napi::RangeError::New(value.Env(), "codes hold " + std::to_string(codes.ElementLength()) + " bytes, expected " + std::to_string(codeBytes * count));
  return codes;
}

static Napi::Float32Array readFloats(const Napi::Value &value, size_t d)
{
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(value.Env(), "vectors must be a Float32Array");
  auto x = value.As<Napi::Float32Array>();
  if (x.ElementLength() % d != 0) throw Napi::RangeError::New(value.Env(), "vector length is not a multiple of the dimension");
  return x;
}

// innerProducts(query: Float32Array(d), vectors: Float32Array(m × d)): Float32Array(m) — the few
// centroids a batch changed, scored against one of its observations (too many for a JS loop).
static Napi::Value innerProducts(const Napi::CallbackInfo &info)
{
  Napi::Env env = info.Env();
  if (info.Length() != 2) throw Napi::TypeError::New(env, "expected (query, vectors)");
  auto query = info[0].As<Napi::TypedArray>();
  if (!info[0].IsTypedArray() || query.TypedArrayType() != napi_float32_array) throw Napi::TypeError::New(env, "query must be a Float32Array");
  size_t d = query.ElementLength();
  auto vectors = readFloats(info[1], std::max<size_t>(1, d));
  size_t m = d == 0 ? 0 : vectors.ElementLength() / d;
  static thread_local size_t kernelDim = 0;
  static thread_local DotFloat dot = nullptr;
  if (kernelDim != d) dot = chooseKernels(d, false).float32, kernelDim = d;
  auto out = Napi::Float32Array::New(env, m);
  const float *q = query.As<Napi::Float32Array>().Data();
  for (size_t i = 0; i < m; i++) out[i] = dot(q, vectors.Data() + i * d, d);
  return out;
}

class CodeIvfIndex;

// Trains and fills an empty index off the JavaScript thread (a million vectors take many seconds).
class BuildWorker : public Napi::AsyncWorker
{
public:
  BuildWorker(Napi::Env env, CodeIvfIndex *owner, Napi::Object self, Napi::Uint8Array codes, Napi::Float64Array ids, Napi::Value training);
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error &e) override;
  Napi::Promise::Deferred deferred;

private:
  CodeIvfIndex *owner;
  Napi::ObjectReference self, codesRef, trainingRef;
  const uint8_t *codes;
  std::vector<idx_t> ids;
  const float *training = nullptr;
  size_t trainingCount = 0;
};

class CodeIvfIndex : public Napi::ObjectWrap<CodeIvfIndex>
{
public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports)
  {
    Napi::Function func = DefineClass(env, "CodeIvfIndex", {
        InstanceMethod("build", &CodeIvfIndex::build),
        InstanceMethod("addCodes", &CodeIvfIndex::addCodes),
        InstanceMethod("removeIds", &CodeIvfIndex::removeIds),
        InstanceMethod("codesOf", &CodeIvfIndex::codesOf),
        InstanceMethod("exportCodes", &CodeIvfIndex::exportCodes),
        InstanceMethod("search", &CodeIvfIndex::search),
        InstanceMethod("listSizes", &CodeIvfIndex::listSizes),
        InstanceMethod("memoryBytes", &CodeIvfIndex::memoryBytes),
        InstanceAccessor("ntotal", &CodeIvfIndex::ntotal, nullptr),
        InstanceAccessor("nlist", &CodeIvfIndex::nlist, nullptr),
        InstanceAccessor("codeSize", &CodeIvfIndex::codeBytes, nullptr),
        InstanceAccessor("kernel", &CodeIvfIndex::kernel, nullptr),
    });
    exports.Set("CodeIvfIndex", func);
    exports.Set("innerProducts", Napi::Function::New(env, innerProducts, "innerProducts"));
    // Coarse assignment of a few vectors (one batch's new centroids) through BLAS too, instead of
    // the unvectorised loop FAISS uses below 20 queries.
    faiss::distance_compute_blas_threshold = 1;
    return exports;
  }

  // new CodeIvfIndex(d, nlist, 'int8' | 'float32', { portable?: boolean })
  CodeIvfIndex(const Napi::CallbackInfo &info) : Napi::ObjectWrap<CodeIvfIndex>(info)
  {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsString())
      throw Napi::TypeError::New(env, "expected (dimension, nlist, 'int8' | 'float32', options?)");
    int64_t d = info[0].As<Napi::Number>().Int64Value();
    int64_t nlist = info[1].As<Napi::Number>().Int64Value();
    std::string codec = info[2].As<Napi::String>().Utf8Value();
    if (d < 1 || d > 4096 || nlist < 1 || nlist > (1 << 20)) throw Napi::RangeError::New(env, "dimension must be 1..4096 and nlist 1..2^20");
    if (codec != "int8" && codec != "float32") throw Napi::TypeError::New(env, "codec must be 'int8' or 'float32'");
    bool portable = info.Length() > 3 && info[3].IsObject() && info[3].As<Napi::Object>().Get("portable").ToBoolean();
    index = std::make_unique<CodeIvf>(size_t(d), size_t(nlist), codec == "int8" ? Codec::Int8 : Codec::Float32, portable);
  }

  std::unique_ptr<CodeIvf> index;
  bool building = false;

private:
  void checkIdle(Napi::Env env) const
  {
    if (building) throw Napi::Error::New(env, "the index is being built");
  }

  // build(codes, ids, training: Float32Array | null): Promise<void> — trains on `training` (unless
  // nlist is 1) and adds the codes, on a worker thread. Do not change the arrays until it settles.
  Napi::Value build(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    checkIdle(env);
    if (index->ntotal > 0) throw Napi::Error::New(env, "build needs an empty index");
    auto *worker = new BuildWorker(env, this, info.This().As<Napi::Object>(), info[0].As<Napi::Uint8Array>(), info[1].As<Napi::Float64Array>(), info[2]);
    building = true;
    Napi::Promise promise = worker->deferred.Promise();
    worker->Queue();
    return promise;
  }

  Napi::Value addCodes(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    checkIdle(env);
    std::vector<idx_t> ids;
    readIds(info[1], ids);
    auto codes = readCodes(info[0], index->code_size, ids.size());
    try
    {
      index->addCodes(idx_t(ids.size()), codes.Data(), ids.data());
    }
    catch (const faiss::FaissException &e)
    {
      throw Napi::Error::New(env, e.what());
    }
    return env.Undefined();
  }

  Napi::Value removeIds(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    checkIdle(env);
    std::vector<idx_t> ids;
    readIds(info[0], ids);
    faiss::IDSelectorArray selector(ids.size(), ids.data());
    return Napi::Number::New(env, double(index->remove_ids(selector)));
  }

  Napi::Value codesOf(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    checkIdle(env);
    std::vector<idx_t> ids;
    readIds(info[0], ids);
    auto out = Napi::Uint8Array::New(env, ids.size() * index->code_size);
    try
    {
      index->codesOf(idx_t(ids.size()), ids.data(), out.Data());
    }
    catch (const faiss::FaissException &e)
    {
      throw Napi::Error::New(env, e.what());
    }
    return out;
  }

  // exportCodes(): { codes: Uint8Array, ids: Float64Array } of every entry, list by list.
  Napi::Value exportCodes(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    checkIdle(env);
    auto codes = Napi::Uint8Array::New(env, size_t(index->ntotal) * index->code_size);
    auto ids = Napi::Float64Array::New(env, size_t(index->ntotal));
    size_t at = 0;
    for (size_t l = 0; l < index->nlist; l++)
    {
      size_t size = index->invlists->list_size(l);
      if (size == 0) continue;
      faiss::InvertedLists::ScopedCodes c(index->invlists, l);
      faiss::InvertedLists::ScopedIds i(index->invlists, l);
      std::memcpy(codes.Data() + at * index->code_size, c.get(), size * index->code_size);
      for (size_t j = 0; j < size; j++) ids[at + j] = double(i.get()[j]);
      at += size;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("codes", codes);
    out.Set("ids", ids);
    return out;
  }

  // search(queries: Float32Array, k, nprobe): { distances: Float32Array, labels: Float64Array },
  // k per query, most similar first, label -1 where fewer than k entries exist.
  Napi::Value search(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    checkIdle(env);
    auto queries = readFloats(info[0], index->d);
    int64_t k = info[1].As<Napi::Number>().Int64Value();
    int64_t nprobe = info[2].As<Napi::Number>().Int64Value();
    if (k < 1 || k > 1024 || nprobe < 1) throw Napi::RangeError::New(env, "k must be 1..1024 and nprobe at least 1");
    idx_t n = idx_t(queries.ElementLength() / index->d);
    auto distances = Napi::Float32Array::New(env, size_t(n * k));
    std::vector<idx_t> labels(size_t(n * k));
    if (n > 0)
    {
      faiss::SearchParametersIVF params;
      params.nprobe = size_t(nprobe);
      try
      {
        index->search(n, queries.Data(), k, distances.Data(), labels.data(), &params);
      }
      catch (const faiss::FaissException &e)
      {
        throw Napi::Error::New(env, e.what());
      }
    }
    auto outLabels = Napi::Float64Array::New(env, labels.size());
    for (size_t i = 0; i < labels.size(); i++) outLabels[i] = double(labels[i]);
    Napi::Object out = Napi::Object::New(env);
    out.Set("distances", distances);
    out.Set("labels", outLabels);
    return out;
  }

  Napi::Value listSizes(const Napi::CallbackInfo &info)
  {
    auto out = Napi::Uint32Array::New(info.Env(), index->nlist);
    for (size_t l = 0; l < index->nlist; l++) out[l] = uint32_t(index->invlists->list_size(l));
    return out;
  }

  Napi::Value memoryBytes(const Napi::CallbackInfo &info)
  {
    return Napi::Number::New(info.Env(), double(index->memoryBytes()));
  }

  Napi::Value ntotal(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), double(index->ntotal)); }
  Napi::Value nlist(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), double(index->nlist)); }
  Napi::Value codeBytes(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), double(index->code_size)); }
  Napi::Value kernel(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), index->kernels.name); }
};

BuildWorker::BuildWorker(Napi::Env env, CodeIvfIndex *owner, Napi::Object self, Napi::Uint8Array codes, Napi::Float64Array ids, Napi::Value training)
    : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), owner(owner)
{
  this->self = Napi::Persistent(self);
  readIds(ids, this->ids);
  readCodes(codes, owner->index->code_size, this->ids.size());
  codesRef = Napi::Persistent(codes.As<Napi::Object>());
  this->codes = codes.Data();
  if (!training.IsNull() && !training.IsUndefined())
  {
    auto x = readFloats(training, owner->index->d);
    trainingRef = Napi::Persistent(x.As<Napi::Object>());
    this->training = x.Data();
    trainingCount = x.ElementLength() / owner->index->d;
  }
}

void BuildWorker::Execute()
{
  try
  {
    CodeIvf &index = *owner->index;
    if (!index.is_trained)
    {
      if (trainingCount < index.nlist) throw std::runtime_error("training needs at least nlist vectors");
      index.train(idx_t(trainingCount), training);
    }
    index.addCodes(idx_t(ids.size()), codes, ids.data());
  }
  catch (const std::exception &e)
  {
    SetError(e.what());
  }
}

void BuildWorker::OnOK()
{
  owner->building = false;
  deferred.Resolve(Env().Undefined());
}

void BuildWorker::OnError(const Napi::Error &e)
{
  owner->building = false;
  deferred.Reject(e.Value());
}

} // namespace revisit

// Called from faiss-node's module Init (scripts/faiss/float32-vectors.patch).
Napi::Object InitRevisitCodeIvf(Napi::Env env, Napi::Object exports)
{
  return revisit::CodeIvfIndex::Init(env, exports);
}
