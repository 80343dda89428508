// The codes the re-id index (code-ivf.h) stores — as the registry holds them, encoded by the worker
// (identity-registry/centroid-code.ts) — and its queries in the form the int8 kernels take.
#pragma once
#include <faiss/Index.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

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

} // namespace revisit
