#include "telemetry/metric_query.h"

#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "telemetry/metric_math.h"

namespace hr::telemetry {
namespace {

constexpr std::size_t kMaxIdLength = 255;
// An expression that names no metric and has no Period of its own.
constexpr Duration kDefaultPeriod = Duration::Seconds(60);

constexpr std::string_view kArithmeticErrorCode = "ArithmeticError";
constexpr std::string_view kArithmeticErrorValue =
    "One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, "
    "+Infinite)";

Status Invalid(std::string message) { return Status(ErrorCode::kValidation, std::move(message)); }

std::string Member(std::size_t index) {
  return "MetricDataQueries.member." + std::to_string(index + 1);
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  if (id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status ExpressionError(const std::string& id, const Status& detail) {
  return Invalid("Error in expression " + id + ": " + detail.message());
}

// Orders the expressions so that each comes after the expressions it names; refuses a cycle.
class Planner {
 public:
  Planner(std::span<const MetricQuery> queries,
          const std::vector<std::optional<MathExpression>>& parsed,
          const std::unordered_map<std::string, std::size_t>& index)
      : queries_(queries), parsed_(parsed), index_(index), state_(queries.size(), kUnvisited) {}

  StatusOr<std::vector<std::size_t>> Order() {
    for (std::size_t i = 0; i < queries_.size(); ++i) {
      if (parsed_[i].has_value()) HR_RETURN_IF_ERROR(Visit(i));
    }
    return std::move(order_);
  }

 private:
  enum State { kUnvisited, kOnPath, kDone };

  Status Visit(std::size_t i) {
    if (state_[i] == kDone) return Status::Ok();
    if (state_[i] == kOnPath) {
      std::string cycle;
      bool in_cycle = false;
      for (std::size_t j : path_) {
        in_cycle = in_cycle || j == i;
        if (in_cycle) cycle += queries_[j].id + " -> ";
      }
      cycle += queries_[i].id;
      return Invalid("Error in expression " + queries_[i].id + ": Circular reference: " + cycle);
    }
    state_[i] = kOnPath;
    path_.push_back(i);
    for (const std::string& ref : parsed_[i]->references()) {
      const std::size_t j = index_.at(ref);
      if (parsed_[j].has_value()) HR_RETURN_IF_ERROR(Visit(j));
    }
    path_.pop_back();
    state_[i] = kDone;
    order_.push_back(i);
    return Status::Ok();
  }

  std::span<const MetricQuery> queries_;
  const std::vector<std::optional<MathExpression>>& parsed_;
  const std::unordered_map<std::string, std::size_t>& index_;
  std::vector<State> state_;
  std::vector<std::size_t> path_;
  std::vector<std::size_t> order_;
};

std::string LabelOf(const MetricQuery& query) {
  return query.label.empty() ? query.id : query.label;
}

}  // namespace

StatusOr<std::vector<QueryResult>> EvaluateQueries(std::span<const MetricQuery> queries,
                                                   const QueryEnvironment& environment) {
  // Each query on its own.
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const MetricQuery& q = queries[i];
    if (!ValidId(q.id)) {
      return Invalid("The value " + q.id + " for parameter " + Member(i) +
                     ".Id is invalid. The valid characters are letters, numbers, and "
                     "underscore. The first character must be a lowercase letter.");
    }
    const bool has_stat = q.metric_stat.has_value();
    const bool has_expression = !q.expression.empty();
    if (!has_stat && !has_expression) {
      // CloudWatch ends this message with a newline.
      return Invalid("The parameter " + Member(i) + ".MetricStat is required.\n");
    }
    if (has_stat && has_expression) {
      return Invalid("The parameters " + Member(i) + ".MetricStat and " + Member(i) +
                     ".Expression are mutually exclusive and you have specified both.");
    }
  }

  // Ids are unique.
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    if (!index.emplace(queries[i].id, i).second) {
      return Invalid("The value " + queries[i].id + " for parameter " + Member(i) +
                     ".Id is not unique.");
    }
  }

  // Expressions parse and name only ids of the request.
  std::vector<std::optional<MathExpression>> parsed(queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const MetricQuery& q = queries[i];
    if (q.metric_stat.has_value()) continue;
    StatusOr<MathExpression> expression = MathExpression::Parse(q.expression);
    if (!expression.ok()) return ExpressionError(q.id, expression.status());
    for (const std::string& ref : expression->references()) {
      if (!index.contains(ref)) {
        return Invalid("Error in expression " + q.id + ": Unrecognized identifier " + ref);
      }
    }
    parsed[i] = std::move(*expression);
  }
  HR_ASSIGN_OR_RETURN(std::vector<std::size_t> order, Planner(queries, parsed, index).Order());

  // Metric queries: read every one (METRICS() may name any of them).
  std::map<std::string, MathValue, std::less<>> values;
  std::vector<Duration> periods(queries.size(), kDefaultPeriod);
  std::vector<MathSeries> metrics;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const MetricQuery& q = queries[i];
    if (!q.metric_stat.has_value()) continue;
    MathSeries s;
    s.id = q.id;
    s.label = LabelOf(q);
    s.series = environment.fetch ? environment.fetch(*q.metric_stat) : TimeSeries{};
    s.series.source = q.metric_stat->metric;
    s.period = q.metric_stat->period;
    periods[i] = q.metric_stat->period;
    metrics.push_back(s);
    values.emplace(q.id, std::move(s));
  }

  // Expressions, in dependency order.
  std::vector<std::optional<MathResult>> computed(queries.size());
  MathEnvironment math;
  math.start = environment.start;
  math.end = environment.end;
  math.metrics = metrics;
  math.service_quota = environment.service_quota;
  math.lookup = [&values](std::string_view id) -> const MathValue* {
    auto it = values.find(id);
    return it == values.end() ? nullptr : &it->second;
  };
  for (std::size_t i : order) {
    const MetricQuery& q = queries[i];
    const MathExpression& expression = *parsed[i];
    // The expression's period: its own, else that of the first query it names, else that
    // of the first metric when it reads METRICS(), else one minute.
    std::optional<Duration> period;
    if (q.period.has_value() && *q.period > Duration::Zero()) period = q.period;
    for (const std::string& ref : expression.references()) {
      if (period.has_value()) break;
      period = periods[index.at(ref)];
    }
    if (!period.has_value() && expression.calls_metrics() && !metrics.empty()) {
      period = metrics.front().period;
    }
    periods[i] = period.value_or(kDefaultPeriod);
    math.period = periods[i];

    StatusOr<MathResult> result = expression.Evaluate(math);
    if (!result.ok()) return ExpressionError(q.id, result.status());
    // Stored for the expressions that name this one: an expression's series has no source
    // metric and no period of its own.
    MathValue stored = result->value;
    if (auto* s = std::get_if<MathSeries>(&stored)) {
      s->id = q.id;
      s->label = LabelOf(q);
      s->series.source.reset();
      s->period.reset();
    } else if (auto* a = std::get_if<std::vector<MathSeries>>(&stored)) {
      for (auto& m : *a) {
        m.series.source.reset();
        m.period.reset();
      }
    }
    values.insert_or_assign(q.id, std::move(stored));
    computed[i] = std::move(*result);
  }

  // Results, in the order of the queries.
  std::vector<QueryResult> results;
  results.reserve(queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const MetricQuery& q = queries[i];
    QueryResult r;
    r.id = q.id;
    r.label = LabelOf(q);
    r.return_data = q.return_data;
    if (q.metric_stat.has_value()) {
      r.series = std::get<MathSeries>(values.at(q.id)).series;
      results.push_back(std::move(r));
      continue;
    }
    const MathResult& m = *computed[i];
    const auto* scalar = std::get_if<double>(&m.value);
    if (m.dropped_non_numeric || (scalar != nullptr && !std::isfinite(*scalar))) {
      r.messages.push_back({std::string(kArithmeticErrorCode), std::string(kArithmeticErrorValue)});
    }
    if (scalar != nullptr) {
      math.period = periods[i];
      StatusOr<TimeSeries> series = ConstantSeries(*scalar, math);
      if (!series.ok()) return ExpressionError(q.id, series.status());
      r.series = std::move(*series);
      results.push_back(std::move(r));
    } else if (const auto* s = std::get_if<MathSeries>(&m.value)) {
      r.series = s->series;
      r.series.source.reset();
      results.push_back(std::move(r));
    } else {
      const auto& members = std::get<std::vector<MathSeries>>(m.value);
      if (members.empty()) {
        results.push_back(std::move(r));
        continue;
      }
      for (const MathSeries& member : members) {
        QueryResult each = r;
        if (q.label.empty()) {
          each.label = member.label.empty() ? q.id : member.label;
        } else {
          each.label = member.label.empty() ? q.label : q.label + " " + member.label;
        }
        each.series = member.series;
        each.series.source.reset();
        results.push_back(std::move(each));
      }
    }
  }
  return results;
}

}  // namespace hr::telemetry
