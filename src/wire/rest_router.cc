#include "wire/rest_router.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include "wire/percent_encoding.h"

namespace hr::wire {
namespace {

// Whether every '%' in `text` starts a two-hex-digit escape.
bool WellFormed(std::string_view text) {
  for (std::size_t i = text.find('%'); i != std::string_view::npos; i = text.find('%', i + 3)) {
    if (i + 2 >= text.size() || HexDigitValue(text[i + 1]) < 0 || HexDigitValue(text[i + 2]) < 0) {
      return false;
    }
  }
  return true;
}

// Whether `raw`, decoded, equals `plain`. REQUIRES: `raw` is well-formed.
// The character that starts at raw[i], decoded ("%41" -> 'A', '+' -> ' ' in a query);
// advances `i` past an escape. REQUIRES: `raw` is WellFormed.
char DecodeAt(std::string_view raw, std::size_t& i, bool plus_is_space) {
  const char c = raw[i];
  if (c == '%') {
    i += 2;
    return static_cast<char>(HexDigitValue(raw[i - 1]) * 16 + HexDigitValue(raw[i]));
  }
  return c == '+' && plus_is_space ? ' ' : c;
}

bool DecodedEquals(std::string_view raw, std::string_view plain, bool plus_is_space) {
  if (raw.find('%') == std::string_view::npos &&
      (!plus_is_space || raw.find('+') == std::string_view::npos)) {
    return raw == plain;
  }
  std::size_t j = 0;
  for (std::size_t i = 0; i < raw.size(); ++i, ++j) {
    const char c = DecodeAt(raw, i, plus_is_space);
    if (j >= plain.size() || plain[j] != c) return false;
  }
  return j == plain.size();
}

[[noreturn]] void BadModel(const Operation& operation, const char* why) {
  std::fprintf(stderr, "wire: request URI of %.*s (%.*s): %s\n",
               static_cast<int>(operation.name.size()), operation.name.data(),
               static_cast<int>(operation.request_uri.size()), operation.request_uri.data(), why);
  std::abort();
}

}  // namespace

std::string_view RouteStatusName(RouteStatus status) {
  switch (status) {
    case RouteStatus::kOk: return "Ok";
    case RouteStatus::kNoRoute: return "NoRoute";
    case RouteStatus::kWrongMethod: return "WrongMethod";
    case RouteStatus::kBadEncoding: return "BadEncoding";
  }
  return "Unknown";
}

// ---- RouteMatch ---------------------------------------------------------------------------

std::optional<std::string_view> RouteMatch::Label(std::string_view name) const {
  for (const RequestParam& label : labels_) {
    if (label.name == name) return label.value;
  }
  return std::nullopt;
}

std::optional<std::string_view> RouteMatch::QueryValue(std::string_view name) const {
  for (const RequestParam& param : query_) {
    if (param.name == name) return param.value;
  }
  return std::nullopt;
}

void RouteMatch::Reset(std::size_t target_size) {
  operation_ = nullptr;
  buffer_.clear();
  if (buffer_.capacity() < target_size) buffer_.reserve(target_size);
  labels_.clear();
  query_.clear();
}

std::string_view RouteMatch::Decode(std::string_view raw, bool plus_is_space) {
  if (raw.find('%') == std::string_view::npos &&
      (!plus_is_space || raw.find('+') == std::string_view::npos)) {
    return raw;
  }
  const std::size_t start = buffer_.size();
  // Decoding never lengthens text and the pieces decoded for one target are disjoint parts of
  // it, so the capacity Reset reserved suffices and earlier views stay valid.
  assert(buffer_.capacity() - start >= raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    buffer_.push_back(DecodeAt(raw, i, plus_is_space));
  }
  return std::string_view(buffer_.data() + start, buffer_.size() - start);
}

// ---- RestRouter: construction ---------------------------------------------------------------

RestRouter::RouteEntry RestRouter::ParseRoute(const Operation& operation) {
  RouteEntry route{&operation, {}, {}, 0, false};
  std::string_view uri = operation.request_uri;
  std::string_view path = uri.substr(0, uri.find('?'));
  if (path.empty() || path.front() != '/') BadModel(operation, "does not start with '/'");
  // A trailing slash in a template is dropped; Route retries requests without theirs.
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    std::string_view text = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (!route.segments.empty() && route.segments.back().kind == SegmentKind::kGreedy) {
      BadModel(operation, "a greedy label must be the last segment");
    }
    if (!text.empty() && text.front() == '{') {
      if (text.size() < 3 || text.back() != '}') BadModel(operation, "malformed label");
      text = text.substr(1, text.size() - 2);
      SegmentKind kind = SegmentKind::kLabel;
      if (text.back() == '+') {
        kind = SegmentKind::kGreedy;
        route.greedy = true;
        text.remove_suffix(1);
      }
      if (text.empty() || text.find_first_of("{}+") != std::string_view::npos) {
        BadModel(operation, "malformed label");
      }
      route.segments.push_back({kind, text});
      ++route.label_count;
    } else {
      if (text.find_first_of("{}") != std::string_view::npos) {
        BadModel(operation, "a label must be a whole segment");
      }
      route.segments.push_back({SegmentKind::kLiteral, text});
    }
  }
  if (route.label_count > kMaxLabels) BadModel(operation, "too many labels");

  if (const std::size_t q = uri.find('?'); q != std::string_view::npos) {
    std::string_view query = uri.substr(q + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      std::string_view piece = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (piece.empty()) continue;
      const std::size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        route.query.push_back({piece, std::nullopt});
      } else {
        route.query.push_back({piece.substr(0, eq), piece.substr(eq + 1)});
      }
    }
  }
  return route;
}

bool RestRouter::MoreSpecific(const RouteEntry& a, const RouteEntry& b) {
  // Lexicographic on segment kinds (literal < label < greedy), then more literal query first.
  const bool kinds_less = std::lexicographical_compare(
      a.segments.begin(), a.segments.end(), b.segments.begin(), b.segments.end(),
      [](const Segment& x, const Segment& y) { return x.kind < y.kind; });
  const bool kinds_greater = std::lexicographical_compare(
      b.segments.begin(), b.segments.end(), a.segments.begin(), a.segments.end(),
      [](const Segment& x, const Segment& y) { return x.kind < y.kind; });
  if (kinds_less != kinds_greater) return kinds_less;
  return a.query.size() > b.query.size();
}

RestRouter::RestRouter(const ServiceModel& model) : model_(model) {
  routes_.reserve(model.operations.size());
  for (const Operation& operation : model.operations) routes_.push_back(ParseRoute(operation));
  std::stable_sort(routes_.begin(), routes_.end(), MoreSpecific);

  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const RouteEntry& route = routes_[i];
    const auto index = static_cast<std::uint16_t>(i);
    if (route.segments.empty() || route.segments.front().kind != SegmentKind::kLiteral) {
      label_first_.push_back(index);
      continue;
    }
    const std::string_view first = route.segments.front().text;
    auto it = std::find_if(buckets_.begin(), buckets_.end(),
                           [&](const Bucket& b) { return b.first == first; });
    if (it == buckets_.end()) {
      buckets_.push_back({first, {}});
      it = buckets_.end() - 1;
    }
    it->routes.push_back(index);
  }
  // A route whose first segment is a label competes in every bucket, after the literal ones
  // (indices are in specificity order, so merging by index keeps that order).
  for (Bucket& bucket : buckets_) {
    std::vector<std::uint16_t> merged;
    merged.reserve(bucket.routes.size() + label_first_.size());
    std::merge(bucket.routes.begin(), bucket.routes.end(), label_first_.begin(),
               label_first_.end(), std::back_inserter(merged));
    bucket.routes = std::move(merged);
  }
  std::sort(buckets_.begin(), buckets_.end(),
            [](const Bucket& a, const Bucket& b) { return a.first < b.first; });
}

// ---- RestRouter: matching -------------------------------------------------------------------

std::span<const std::uint16_t> RestRouter::Candidates(std::string_view path) const {
  std::string_view first = path.substr(1);
  first = first.substr(0, first.find('/'));
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), first,
                             [](const Bucket& b, std::string_view f) { return b.first < f; });
  if (it != buckets_.end() && it->first == first) return it->routes;
  return label_first_;
}

bool RestRouter::MatchPath(const RouteEntry& route, std::string_view path,
                           std::size_t segment_count, RawLabel* labels) {
  std::string_view rest = path.substr(1);
  const std::size_t n = route.segments.size();
  if (n == 0) return rest.empty();
  if (route.greedy ? segment_count < n : segment_count != n) return false;
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Segment& segment = route.segments[i];
    if (segment.kind == SegmentKind::kGreedy) {  // always the last segment
      if (rest.empty()) return false;
      labels[k++] = {segment.text, rest};
      return true;
    }
    const std::size_t slash = rest.find('/');
    const bool last = i + 1 == n;
    if (last != (slash == std::string_view::npos)) return false;
    const std::string_view text = rest.substr(0, slash);
    if (segment.kind == SegmentKind::kLiteral) {
      if (!DecodedEquals(text, segment.text, /*plus_is_space=*/false)) return false;
    } else {
      if (text.empty()) return false;
      labels[k++] = {segment.text, text};
    }
    if (!last) rest = rest.substr(slash + 1);
  }
  return true;
}

bool RestRouter::MatchQuery(const RouteEntry& route, std::string_view query) {
  for (const QueryLiteral& literal : route.query) {
    bool found = false;
    std::string_view rest = query;
    while (!found && !rest.empty()) {
      const std::size_t amp = rest.find('&');
      const std::string_view piece = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      const std::size_t eq = piece.find('=');
      const std::string_view name = piece.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      found = !piece.empty() && DecodedEquals(name, literal.name, true) &&
              (!literal.value || DecodedEquals(value, *literal.value, true));
    }
    if (!found) return false;
  }
  return true;
}

RouteStatus RestRouter::RouteOnce(std::string_view method, std::string_view path,
                                  std::string_view query, const RouteEntry** found,
                                  RawLabel* labels) const {
  bool path_matched = false;
  const auto segment_count = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
  for (const std::uint16_t index : Candidates(path)) {
    const RouteEntry& route = routes_[index];
    if (!MatchPath(route, path, segment_count, labels) || !MatchQuery(route, query)) continue;
    if (route.operation->method != method) {
      path_matched = true;
      continue;
    }
    *found = &route;
    return RouteStatus::kOk;
  }
  return path_matched ? RouteStatus::kWrongMethod : RouteStatus::kNoRoute;
}

RouteStatus RestRouter::Route(std::string_view method, std::string_view target,
                              RouteMatch* match) const {
  match->Reset(target.size());
  if (!WellFormed(target)) return RouteStatus::kBadEncoding;
  const std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  const std::string_view query =
      q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (path.empty() || path.front() != '/') return RouteStatus::kNoRoute;

  RawLabel labels[kMaxLabels];
  const RouteEntry* found = nullptr;
  RouteStatus status = RouteOnce(method, path, query, &found, labels);
  if (status != RouteStatus::kOk && path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
    const RouteStatus retry = RouteOnce(method, path, query, &found, labels);
    if (retry == RouteStatus::kOk || status == RouteStatus::kNoRoute) status = retry;
  }
  if (status != RouteStatus::kOk) return status;

  for (std::size_t i = 0; i < found->label_count; ++i) {
    match->labels_.push_back({labels[i].name, match->Decode(labels[i].raw, false)});
  }
  std::string_view rest = query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    const std::string_view name = match->Decode(piece.substr(0, eq), true);
    const std::string_view value = eq == std::string_view::npos
                                       ? std::string_view()
                                       : match->Decode(piece.substr(eq + 1), true);
    match->query_.push_back({name, value});
  }
  match->operation_ = found->operation;
  return RouteStatus::kOk;
}

}  // namespace hr::wire
