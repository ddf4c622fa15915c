#pragma once
// Marker/MaxItems paging as Lambda's List* operations do it (and as boto3's paginators
// expect): a page is up to MaxItems items starting where the Marker points; NextMarker is
// given only when more items follow. The marker is the position of the next item, as text;
// clients treat it as opaque.
// Pure; any thread.

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hr::server {

template <typename T>
struct Page {
  std::vector<const T*> items;
  std::optional<std::string> next_marker;
};

// Errors: kInvalidParameter when `marker` is not one this server handed out.
template <typename T>
StatusOr<Page<T>> PageOf(const std::vector<T>& items, std::string_view marker,
                         std::size_t max_items) {
  std::size_t start = 0;
  if (!marker.empty()) {
    auto [ptr, ec] = std::from_chars(marker.data(), marker.data() + marker.size(), start);
    if (ec != std::errc() || ptr != marker.data() + marker.size()) {
      return Status(ErrorCode::kInvalidParameter, "Invalid Marker: " + std::string(marker));
    }
  }
  Page<T> page;
  for (std::size_t i = start; i < items.size() && page.items.size() < max_items; ++i) {
    page.items.push_back(&items[i]);
  }
  if (start + page.items.size() < items.size()) {
    page.next_marker = std::to_string(start + page.items.size());
  }
  return page;
}

// MaxItems from the query (already validated against the model's range), or `fallback`;
// never more than `cap` (Lambda returns at most 50 items per page).
inline std::size_t MaxItems(std::optional<std::string_view> text, std::size_t fallback,
                            std::size_t cap) {
  std::size_t n = fallback;
  if (text) std::from_chars(text->data(), text->data() + text->size(), n);
  return n < cap ? n : cap;
}

}  // namespace hr::server
