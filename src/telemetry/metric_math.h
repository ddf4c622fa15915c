#pragma once
// MathExpression: one CloudWatch metric-math expression (a MetricDataQuery's Expression),
// parsed once into a tree and evaluated over the values of the other queries of its request.
// EvaluateQueries (metric_query.cc) is the only caller: it validates the queries, parses each
// expression, orders the expressions by the ids they name, and evaluates each one with a
// lookup of the values already computed. GetMetricData and metric-math alarms both go
// through it.
//
// Pure: no I/O, no clock. A parsed expression is immutable and may be evaluated from any
// thread, given an environment whose callbacks are safe on it.
//
// Values (the docs' S, TS and TS[]): a scalar, one time series, or an array of them.
//
// Syntax. Numbers (`5`, `2.5`, `1e3`); ids of other queries (a lowercase letter, then
// letters, digits, `_`); function calls in UPPERCASE; `[a, b, ...]` (an array, arrays inside
// it are flattened, as in `SUM([METRICS("4xx"), METRICS("5xx")])`); strings in double quotes
// (straight or curly) only as METRICS' argument; REPEAT and LINEAR only as FILL's second
// argument. Precedence, loosest first: `OR`/`||`; `AND`/`&&`; `NOT`/`!`; comparisons
// `== != < <= > >=` (left-associative); `+ -`; `* /`; unary `-`; `^` (right-associative, so
// `-2^2` is -4); parentheses. At most kMaxLength (2048) characters.
//
// Semantics (CloudWatch User Guide, "Metric math syntax and functions", using-metric-math.md;
// where it is silent the choice is marked "headroom:").
// - Arithmetic `+ - * / ^`: S op S -> S; TS op S and S op TS -> TS, point by point; TS op TS
//   -> TS at the timestamps both series have (headroom: the guide says "missing values in a
//   time series are treated as 0"; we keep the intersection of metric_query.h's contract,
//   so that a gap in either operand is a gap in the result and FILL() is how one asks for
//   zeros); TS[] op S|TS applies to each member; TS[] op TS[] pairs members of equal-size
//   arrays. A point whose value is not finite (division by zero, LOG(0)) is dropped, as the
//   guide says ("If the value of a data point causes a function to attempt to divide by
//   zero, the data point is dropped"), and the result records it (MathResult), which the
//   caller reports as CloudWatch's ArithmeticError message.
// - Comparison and logical operators give 1 or 0. Between two series they run over the
//   union of timestamps, a missing value counting as 0 (the guide's table:
//   metric1 [30,20,0,0] < metric2 [20,-,20,-] is [0,0,1,0]).
// - SUM, AVG, MAX, MIN, STDDEV, DATAPOINT_COUNT: of a TS -> S over its points (SUM of no
//   points is 0; the others of no points are NaN, so a series computed from them drops its
//   points); of a TS[] -> TS per timestamp across the members, over the union of their
//   timestamps. SUM counts a missing value as nothing; AVG counts it as 0 (the guide:
//   "Missing values are treated as 0"), dividing by the number of members; MAX, MIN and
//   STDDEV use the values present (headroom). STDDEV is the population standard deviation
//   (headroom). METRIC_COUNT(TS[]) -> S.
// - ABS, CEIL, FLOOR, LOG, LOG10 apply to each value of S, TS or TS[].
// - DIFF, RATE, RUNNING_SUM on TS or TS[]: DIFF is a point minus the previous point; RATE is
//   that divided by the seconds between them ("the difference between the latest data point
//   value and the previous data point value, divided by the time difference in seconds");
//   the first point has no previous one and is absent from both.
// - FILL(TS|TS[], S|TS|REPEAT|LINEAR) fills the periods of [start, end) that have no value,
//   on the series' own period grid (headroom: the grid is the environment's period, phased
//   on the series' first timestamp, or on `start` when it is empty). S: that value; TS: the
//   other series' value at that timestamp, when it has one; REPEAT: the latest actual value
//   before the gap; LINEAR: the straight line between the actual values on both sides of the
//   gap. Gaps before the first or (LINEAR) after the last actual value stay empty (headroom).
// - IF(cond, a[, b]): with a TS condition, for each timestamp of cond: true (non-zero) gives
//   a (a scalar, or a's value there, or 0 when a has none); false gives b (a scalar, or b's
//   value there), and nothing when b has no value there or is omitted; the guide's table
//   IF([1,1,0,0,-], [30,-,0,0,30], [0,0,20,-,20]) = [30,0,20,-,-]. With a scalar condition:
//   a or b (an omitted b is an empty series). Arrays are not accepted by IF.
// - METRICS() is every metric query of the request (not expressions), in request order;
//   METRICS("s") those whose Id contains "s" (the guide: "contain that string in their Id").
// - SERVICE_QUOTA(ts): ts must be a metric query's series (the docs' "TS that is a usage
//   metric"); the environment's service_quota gives the applied quota, and the result is
//   that value at each of ts's timestamps. No quota is an error.
// - TIME_SERIES(S) is S at every period of [start, end). PERIOD(ts) is a metric query's
//   period in seconds. FIRST/LAST(TS[]) -> TS; REMOVE_EMPTY(TS[]) drops empty members.
// - Not supported (an "Unknown function" error): SEARCH, ANOMALY_DETECTION_BAND, SORT,
//   SLICE, INSIGHT_RULE_METRIC, the date functions, DIFF_TIME and the rest of the guide.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "telemetry/metric_id.h"
#include "telemetry/time_series.h"

namespace hr::telemetry {

// One time series inside metric math, with what identifies it for labels and functions.
struct MathSeries {
  std::string id;     // the query it is the value of; a computed series keeps its input's
  std::string label;  // that query's label (a TS[] result is labelled member by member)
  TimeSeries series;  // series.source is set only for a metric query's own series
  std::optional<Duration> period;  // a metric query's period; PERIOD() reads it
};

// S, TS or TS[].
using MathValue = std::variant<double, MathSeries, std::vector<MathSeries>>;

struct MathEnvironment {
  Timestamp start;                          // inclusive: the query range, for FILL and TIME_SERIES
  Timestamp end;                            // exclusive
  Duration period = Duration::Seconds(60);  // the expression's period (> 0)
  // The value of the query with this id; nullptr when there is none.
  std::function<const MathValue*(std::string_view id)> lookup;
  // Every metric query's series, in request order (METRICS()).
  std::span<const MathSeries> metrics;
  // The applied quota that a usage metric measures, or nullopt (SERVICE_QUOTA()).
  std::function<std::optional<double>(const MetricId&)> service_quota;
};

struct MathResult {
  MathValue value;
  // Some points were dropped because their value was not finite (CloudWatch's
  // ArithmeticError message).
  bool dropped_non_numeric = false;
};

class MathExpression {
 public:
  static constexpr std::size_t kMaxLength = 2048;
  // FILL and TIME_SERIES refuse to build more points than GetMetricData returns.
  static constexpr std::size_t kMaxDatapoints = 100'800;

  // The tree of `text`. Errors (ErrorCode::kValidation; the message is the detail alone,
  // the caller prefixes the expression's id): empty or longer than kMaxLength, a syntax
  // error (with its 1-based character position), an unknown function, a wrong number of
  // arguments, an uppercase name that is not a function, a string or REPEAT/LINEAR where
  // they are not accepted.
  static StatusOr<MathExpression> Parse(std::string_view text);

  // The query ids the expression names, each once, in order of first appearance.
  const std::vector<std::string>& references() const { return references_; }
  // Whether it calls METRICS() (and so reads every metric query).
  bool calls_metrics() const { return calls_metrics_; }

  // The expression's value. Errors (kValidation, detail alone): an id the lookup does not
  // know, an argument of the wrong type (e.g. FILL of a scalar), arrays of different sizes,
  // SERVICE_QUOTA of a series that is not a metric query's or whose metric has no quota, a
  // FILL/TIME_SERIES of more than kMaxDatapoints points.
  StatusOr<MathResult> Evaluate(const MathEnvironment& environment) const;

  struct Node;  // the tree, private to metric_math.cc

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::string> references_;
  bool calls_metrics_ = false;
};

// `value` at every period of [start, end), phased on start (TIME_SERIES(value); how
// EvaluateQueries returns an expression whose result is a scalar). A non-finite value gives
// an empty series. Error (kValidation): more than MathExpression::kMaxDatapoints points.
StatusOr<TimeSeries> ConstantSeries(double value, const MathEnvironment& environment);

}  // namespace hr::telemetry
