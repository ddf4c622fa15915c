#pragma once
// RestRouter: turns an HTTP method and raw request target into a rest-json (or rest-xml)
// operation of a ServiceModel, with its URI labels and query parameters decoded.
//
// The server builds one router per rest service at start-up (RestRouter(LambdaModel())) and
// calls Route on every request, Invoke included, before ValidateInput (wire/shape_validator.h).
// The route table is precomputed at construction and never changes, so any number of threads
// may call Route at once, each with its own RouteMatch. Matching compiles no regex and, when the
// caller reuses its RouteMatch, allocates nothing once the match's buffers have grown to fit.
//
// Matching rules (botocore's serializer is the client we must understand):
//  * The target is "path[?query]", undecoded, as it arrives on the request line. The whole
//    target is checked for well-formed percent-encoding first; a '%' not followed by two hex
//    digits is kBadEncoding, whatever the route.
//  * Path segments are compared one by one. A literal segment beats a {Label} at the same
//    position, which beats a {Greedy+} label. A {Label} matches one non-empty segment and is
//    percent-decoded ("arn%3Aaws%3A..." -> "arn:aws:..."); a {Greedy+} label (allowed only as
//    the last segment) matches the non-empty rest of the path, slashes included, decoded.
//  * A literal query in the request URI ("?List=ALL", or a bare "?uploads" meaning "present
//    with any value") must be present in the request; among routes on the same path and method,
//    the one with more literal query parts wins, which tells ListProvisionedConcurrencyConfigs
//    (`?List=ALL`) from GetProvisionedConcurrencyConfig.
//  * When nothing matches and the path ends in '/', the match is retried without it: AWS answers
//    both "/2016-08-19/account-settings" and ".../account-settings/" (older botocore models
//    carry the trailing slash; the packaged one does not).
//  * Query parameters are split on '&', "name=value" or "name" (value ""), and both parts are
//    decoded with '+' read as a space (form encoding, which AWS's Java front end applies to
//    query strings). Empty pieces ("a=1&&b=2") are skipped. Repeats are kept, in order; the
//    literal query parts that chose the route are kept as well.
//  * Methods compare case-sensitively (RFC 9110).
// Failures: kNoRoute when no route's path (and literal query) matches; kWrongMethod when one
// does but with another method. How each failure is answered on the wire is
// wire/lambda_errors.h's business.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/service_model.h"
#include "wire/shape_validator.h"

namespace hr::wire {

enum class RouteStatus : std::uint8_t {
  kOk,
  kNoRoute,      // no operation has this path: AWS's UnknownOperationException
  kWrongMethod,  // an operation has this path, but not with this method
  kBadEncoding,  // a malformed percent-escape ("%G1", "%4") somewhere in the target
};

// "Ok", "NoRoute", ... for logs and test output.
std::string_view RouteStatusName(RouteStatus status);

// The result of one Route call. Reuse one per connection or thread to avoid allocations: Route
// clears it and keeps its capacity. Its views point into the request target passed to Route
// (values that needed no decoding) or into this object (values that did), so both must outlive
// the views, and the next Route call invalidates them.
class RouteMatch {
 public:
  RouteMatch() = default;
  // Views point into `this`; copying or moving would leave them dangling.
  RouteMatch(const RouteMatch&) = delete;
  RouteMatch& operator=(const RouteMatch&) = delete;

  // The matched operation, or nullptr when the last Route call did not return kOk.
  const Operation* operation() const { return operation_; }
  // URI labels named as in the request URI template ("FunctionName"), decoded, in template
  // order.
  std::span<const RequestParam> labels() const { return labels_; }
  // Query parameters, decoded, in request order; a name may repeat.
  std::span<const RequestParam> query() const { return query_; }

  // The label called `name`, or nullopt.
  std::optional<std::string_view> Label(std::string_view name) const;
  // The first query parameter called `name` (case-sensitive), or nullopt.
  std::optional<std::string_view> QueryValue(std::string_view name) const;

 private:
  friend class RestRouter;
  void Reset(std::size_t target_size);
  // Decodes `raw` into buffer_ (or returns it as is when there is nothing to decode).
  // REQUIRES: `raw` is well-formed (checked beforehand); buffer_ has room, which Reset ensures.
  std::string_view Decode(std::string_view raw, bool plus_is_space);

  const Operation* operation_ = nullptr;
  std::string buffer_;  // decoded text; reserved to the target's size so it never reallocates
  std::vector<RequestParam> labels_;
  std::vector<RequestParam> query_;
};

class RestRouter {
 public:
  // Builds the route table of every operation of `model`. REQUIRES: `model` outlives the
  // router; every request URI is well-formed (aborts otherwise: the models are generated and
  // tested, so a bad one is a build error, not a runtime condition).
  explicit RestRouter(const ServiceModel& model);

  // Matches `method` and the raw request target ("/path?query", undecoded). On kOk `*match`
  // holds the operation, labels and query; on any other status `match->operation()` is nullptr
  // and the labels and query are unspecified.
  RouteStatus Route(std::string_view method, std::string_view target, RouteMatch* match) const;

  const ServiceModel& model() const { return model_; }

 private:
  enum class SegmentKind : std::uint8_t { kLiteral, kLabel, kGreedy };
  struct Segment {
    SegmentKind kind;
    std::string_view text;  // the literal, or the label's name without braces and '+'
  };
  struct QueryLiteral {
    std::string_view name;
    std::optional<std::string_view> value;  // nullopt: present with any value
  };
  struct RouteEntry {
    const Operation* operation;
    std::vector<Segment> segments;
    std::vector<QueryLiteral> query;
    std::size_t label_count = 0;
    bool greedy = false;  // the last segment is a {Greedy+} label
  };
  // Routes whose first path segment is the same literal ("2015-03-31"), most specific first.
  struct Bucket {
    std::string_view first;
    std::vector<std::uint16_t> routes;
  };
  // A label's raw (undecoded) text, recorded while matching.
  struct RawLabel {
    std::string_view name;
    std::string_view raw;
  };
  static constexpr std::size_t kMaxLabels = 8;

  static RouteEntry ParseRoute(const Operation& operation);
  static bool MoreSpecific(const RouteEntry& a, const RouteEntry& b);
  // Whether `path` matches `route`'s segments; fills `labels` (route.label_count of them).
  // `segment_count` is the number of path segments (slashes) in `path`, a cheap pre-filter.
  static bool MatchPath(const RouteEntry& route, std::string_view path, std::size_t segment_count,
                        RawLabel* labels);
  static bool MatchQuery(const RouteEntry& route, std::string_view query);
  std::span<const std::uint16_t> Candidates(std::string_view path) const;
  // One matching attempt on `path` (no trailing-slash retry).
  RouteStatus RouteOnce(std::string_view method, std::string_view path, std::string_view query,
                        const RouteEntry** found, RawLabel* labels) const;

  const ServiceModel& model_;
  std::vector<RouteEntry> routes_;
  std::vector<Bucket> buckets_;              // sorted by `first`
  std::vector<std::uint16_t> label_first_;   // routes whose first segment is not a literal
};

}  // namespace hr::wire
