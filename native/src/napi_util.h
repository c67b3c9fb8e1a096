// Helpers to read typed-array arguments without copying, with errors that name the
// argument, so that a wrong call from TypeScript fails loudly instead of corrupting memory.
#pragma once
#include <napi.h>

#include <string>

namespace mlsweep {

template <typename T>
T* typedData(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type type, const char* name,
             size_t* length = nullptr) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' has the wrong typed-array type");
  }
  Napi::TypedArray arr = v.As<Napi::TypedArray>();
  if (length) *length = arr.ElementLength();
  auto* base = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  return reinterpret_cast<T*>(base);
}

inline int64_t intArg(const Napi::CallbackInfo& info, size_t index) {
  return info[index].As<Napi::Number>().Int64Value();
}

}  // namespace mlsweep
