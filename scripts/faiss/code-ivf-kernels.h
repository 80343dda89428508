// SIMD kernels of the re-id index (code-ivf-index.cc), chosen at run time: AVX-512 VNNI, AVX-512,
// AVX2 or portable C++. The int8 ones sum exact integers, so every path returns the same number.
#pragma once
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace revisit {

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

// Four queries against four codes, out[4 × query + code]: each widened code chunk and each query
// chunk is loaded once for four products (16 accumulators stay in registers).
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void dot16Int8Vnni(const int16_t *const *q, const int8_t *const *c, size_t d, int32_t *out)
{
  __m512i a[16];
  for (int j = 0; j < 16; j++) a[j] = _mm512_setzero_si512();
  for (size_t i = 0; i < d; i += 32)
  {
    __m512i cv[4];
    for (int j = 0; j < 4; j++) cv[j] = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(c[j] + i)));
    for (int t = 0; t < 4; t++)
    {
      __m512i qv = _mm512_loadu_si512(q[t] + i);
      for (int j = 0; j < 4; j++) a[4 * t + j] = _mm512_dpwssd_epi32(a[4 * t + j], cv[j], qv);
    }
  }
  for (int j = 0; j < 16; j++) out[j] = _mm512_reduce_add_epi32(a[j]);
}

// The sketch pass (code-ivf-sketch.h): a block of SKETCH_BLOCK entries stored transposed — for
// every 4 dimensions, 4 bytes per entry, entries side by side — as uint8 (value + 128), against
// four int8 queries. One VNNI instruction multiplies 4 dimensions of 16 entries by a broadcast
// query word; no horizontal sums. bias[t] = 128 × Σ query t takes the +128 back out. Returns the
// lanes (bit 16t + lane, among `valid`) whose similarity beats threshold[t]; sims[16t + lane].
static uint64_t sketchBlockPortable(const uint8_t *block, const int8_t *const *q, size_t ds, const float *scale, const float *qScale,
                                    const int32_t *bias, const float *threshold, uint32_t valid, float *sims)
{
  uint64_t above = 0;
  for (int t = 0; t < 4; t++)
    for (int lane = 0; lane < 16; lane++)
    {
      int32_t sum = 0;
      for (size_t j = 0; j < ds; j++) sum += int32_t(block[(j / 4) * 64 + lane * 4 + j % 4]) * int32_t(q[t][j]);
      float sim = float(sum - bias[t]) * scale[lane] * qScale[t];
      sims[16 * t + lane] = sim;
      if (sim > threshold[t] && (valid >> lane & 1)) above |= uint64_t(1) << (16 * t + lane);
    }
  return above;
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static uint64_t sketchBlockVnni(const uint8_t *block, const int8_t *const *q, size_t ds,
                                                                                         const float *scale, const float *qScale, const int32_t *bias,
                                                                                         const float *threshold, uint32_t valid, float *sims)
{
  // Two accumulators per query: eight independent chains hide the instruction's latency.
  __m512i a[8];
  for (int j = 0; j < 8; j++) a[j] = _mm512_setzero_si512();
  for (size_t g = 0; g < ds / 4; g += 2)
  {
    __m512i c0 = _mm512_loadu_si512(block + g * 64), c1 = _mm512_loadu_si512(block + (g + 1) * 64);
    for (int t = 0; t < 4; t++)
    {
      int32_t w0, w1;
      std::memcpy(&w0, q[t] + 4 * g, 4);
      std::memcpy(&w1, q[t] + 4 * g + 4, 4);
      a[2 * t] = _mm512_dpbusd_epi32(a[2 * t], c0, _mm512_set1_epi32(w0));
      a[2 * t + 1] = _mm512_dpbusd_epi32(a[2 * t + 1], c1, _mm512_set1_epi32(w1));
    }
  }
  __m512 s = _mm512_loadu_ps(scale);
  uint64_t above = 0;
  for (int t = 0; t < 4; t++)
  {
    __m512i dot = _mm512_sub_epi32(_mm512_add_epi32(a[2 * t], a[2 * t + 1]), _mm512_set1_epi32(bias[t]));
    __m512 sim = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(dot), s), _mm512_set1_ps(qScale[t]));
    _mm512_storeu_ps(sims + 16 * t, sim);
    __mmask16 m = _mm512_mask_cmp_ps_mask(__mmask16(valid), sim, _mm512_set1_ps(threshold[t]), _CMP_GT_OQ);
    above |= uint64_t(m) << (16 * t);
  }
  return above;
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
using Dot16Int8 = void (*)(const int16_t *const *, const int8_t *const *, size_t, int32_t *);
using SketchBlock4 = uint64_t (*)(const uint8_t *, const int8_t *const *, size_t, const float *, const float *, const int32_t *, const float *, uint32_t,
                                   float *);
using DotFloat = float (*)(const float *, const float *, size_t);

struct Kernels
{
  /** One query against four int8 codes (a list's last queries; the re-ranking of a shortlist). */
  Dot4Int8 int8;
  Dot4QueriesInt8 int8Queries;
  /** Four queries × four codes where the CPU has the registers for it (AVX-512), else null. */
  Dot16Int8 int8Tile;
  /** The sketch pass over a block: VNNI where the CPU has it, else portable (a sketch is a quarter of the work of a code). */
  SketchBlock4 sketch;
  DotFloat float32;
  std::string name;
};

// The widest kernel this CPU runs; SIMD paths need d to be a multiple of 32 (512 is).
static Kernels chooseKernels(size_t d, bool portableOnly)
{
  __builtin_cpu_init();
  bool simd = !portableOnly && d % 32 == 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (simd && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni")) return {dot4Int8Vnni, dot4QueriesInt8Vnni, dot16Int8Vnni, sketchBlockVnni, dotFloatAvx2, "avx512-vnni"};
  if (simd && __builtin_cpu_supports("avx512bw")) return {dot4Int8Avx512, dot4QueriesInt8Avx512, nullptr, sketchBlockPortable, dotFloatAvx2, "avx512"};
  if (simd) return {dot4Int8Avx2, dot4QueriesInt8Avx2, nullptr, sketchBlockPortable, dotFloatAvx2, "avx2"};
  return {dot4Int8Portable, dot4QueriesInt8Portable, nullptr, sketchBlockPortable, dotFloatPortable, "portable"};
}

} // namespace revisit
