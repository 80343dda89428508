// The JavaScript face of Revisit's re-id index (code-ivf.h), compiled into the faiss-node addon:
// FAISS's inverted file over codes the worker stores as they are in Redis (int8 with a per-vector
// scale, or float32 for the exact baseline), scanned list by list for a whole batch with SIMD
// kernels chosen at run time (code-ivf-kernels.h). Debian's libfaiss is built for baseline
// x86-64, so its own scanners run without AVX2; these kernels are what make a batch fast.
#include <napi.h>

#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/utils/distances.h>

#include <memory>
#include <string>
#include <vector>

#include "code-ivf-search.h"

namespace revisit {

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
