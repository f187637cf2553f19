// Host-side nnport_sink implementations: the host owns every string and list
// a plugin hands back (plugin.h).
#ifndef NNPORT_CORE_SINKS_H_
#define NNPORT_CORE_SINKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "nnport/plugin.h"
#include "nnport/status.h"

namespace nnport::core {

// Pieces are concatenated.
struct StringSink {
  std::string text;
  nnport_sink sink{this, [](void* ctx, const char* data, size_t size) {
                     if (data != nullptr) static_cast<StringSink*>(ctx)->text.append(data, size);
                   }};
  StringSink() = default;
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;
  nnport_sink* get() { return &sink; }
};

// Each append is one item.
struct ListSink {
  std::vector<std::string> items;
  nnport_sink sink{this, [](void* ctx, const char* data, size_t size) {
                     static_cast<ListSink*>(ctx)->items.emplace_back(data != nullptr ? data : "",
                                                                     data != nullptr ? size : 0);
                   }};
  ListSink() = default;
  ListSink(const ListSink&) = delete;
  ListSink& operator=(const ListSink&) = delete;
  nnport_sink* get() { return &sink; }
};

// A plugin's failure as a Status: "<backend>: <action> failed: <message>",
// with the plugin's code (unknown codes become kInternal).
inline Status plugin_error(const std::string& backend, std::string_view action, int code,
                           const std::string& message) {
  Code c = (code > 0 && code <= NNPORT_INTERNAL) ? static_cast<Code>(code) : Code::kInternal;
  std::string m = backend + ": " + std::string(action) + " failed: ";
  // Plugins name themselves too ("onnxruntime: loading ..."): say it once.
  const std::string own = backend + ": ";
  const bool named = message.compare(0, own.size(), own) == 0;
  m += message.empty() ? "the plugin gave no reason (code " + std::to_string(code) + ")"
       : named         ? message.substr(own.size())
                       : message;
  return {c, std::move(m)};
}

}  // namespace nnport::core

#endif  // NNPORT_CORE_SINKS_H_
