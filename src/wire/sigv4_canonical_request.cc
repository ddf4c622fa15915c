#include "wire/sigv4_canonical_request.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "wire/percent_encoding.h"

namespace hr::wire {
namespace {

std::string QueryComponent(std::string_view raw) {
  std::string out;
  AppendPercentEncoded(out, PercentDecode(raw, false), false);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Trimmed, with inner runs of spaces and tabs collapsed to one space.
void AppendTrimAll(std::string& out, std::string_view value) {
  bool pending_space = false, started = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = started;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    started = true;
    out += c;
  }
}

}  // namespace

std::string SigV4CanonicalUri(std::string_view raw_path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    const std::size_t end = std::min(raw_path.find('/', start), raw_path.size());
    const std::string_view segment = raw_path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string path = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) path += '/';
    path += segments[i];
  }
  if (!segments.empty() && raw_path.back() == '/') path += '/';
  std::string out;
  out.reserve(path.size() + 16);
  AppendPercentEncoded(out, path, true);
  return out;
}

std::string SigV4CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start < raw_query.size()) {
    const std::size_t end = std::min(raw_query.find('&', start), raw_query.size());
    const std::string_view pair = raw_query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string key = QueryComponent(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : QueryComponent(pair.substr(eq + 1));
    pairs.emplace_back(std::move(key), std::move(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out.append(key).append("=").append(value);
  }
  return out;
}

std::string SigV4CanonicalHeaders(std::span<const SigV4Header> headers,
                                  std::span<const std::string> signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    for (char c : name) out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    out += ':';
    bool first = true;
    for (const SigV4Header& h : headers) {
      if (!EqualsIgnoreCase(h.name, name)) continue;
      if (!first) out += ',';
      first = false;
      AppendTrimAll(out, h.value);
    }
    out += '\n';
  }
  return out;
}

std::string SigV4CanonicalRequest(const SigV4Message& message, std::span<const std::string> signed_headers,
                                  std::string_view payload_hash) {
  const std::size_t q = message.target.find('?');
  const std::string_view path = message.target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : message.target.substr(q + 1);
  std::string out;
  out.append(message.method).append("\n");
  out.append(SigV4CanonicalUri(path)).append("\n");
  out.append(SigV4CanonicalQuery(query)).append("\n");
  out.append(SigV4CanonicalHeaders(message.headers, signed_headers)).append("\n");
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out += ';';
    out += signed_headers[i];
  }
  out.append("\n").append(payload_hash);
  return out;
}

}  // namespace hr::wire
