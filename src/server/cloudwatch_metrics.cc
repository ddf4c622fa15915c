// CloudWatch's metric operations: PutMetricData, GetMetricData, GetMetricStatistics and
// ListMetrics (server/cloudwatch_service.h).

#include <algorithm>
#include <cmath>

#include "server/cloudwatch_service.h"
#include "telemetry/store_queries.h"
#include "server/json_input.h"

namespace hr::server {
namespace {

using telemetry::MetricId;
using telemetry::MetricQuery;

RpcReply Invalid(std::string message) {
  return RpcReply::Fail("InvalidParameterValueException", std::move(message));
}

// CloudWatch stores no NaN or infinity: AWS answers "The value NaN for parameter
// MetricData.member.1.Value is invalid." (the query protocol's spelling of the value).
RpcReply NotFinite(double v, const std::string& parameter) {
  const char* spelled = std::isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  return Invalid(std::string("The value ") + spelled + " for parameter " + parameter + " is invalid.");
}

// 1, 5, 10, 20, 30, 60 or a multiple of 60 (CloudWatch's periods).
bool ValidPeriod(std::int64_t p) {
  return p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p >= 60 && p % 60 == 0);
}

std::string BadPeriod(const std::string& name) {
  return "The parameter " + name + " must be 1, 5, 10, 20, 30, 60, or any multiple of 60.";
}

std::vector<telemetry::Dimension> ParseDimensions(const boost::json::object& o) {
  std::vector<telemetry::Dimension> dims;
  if (const boost::json::array* list = ArrayOf(o, "Dimensions")) {
    for (const boost::json::value& d : *list) {
      if (!d.is_object()) continue;
      dims.push_back({StringOr(d.get_object(), "Name"), StringOr(d.get_object(), "Value")});
    }
  }
  return dims;
}

boost::json::array RenderDimensions(const std::vector<telemetry::Dimension>& dims) {
  boost::json::array out;
  for (const telemetry::Dimension& d : dims) out.push_back(boost::json::object{{"Name", d.name}, {"Value", d.value}});
  return out;
}

// GetMetricData's NextToken: how many datapoints earlier pages returned.
std::string PageToken(std::size_t offset) { return "hr-page-" + std::to_string(offset); }
std::optional<std::size_t> ReadPageToken(const std::string& token) {
  if (token.rfind("hr-page-", 0) != 0) return std::nullopt;
  try {
    return static_cast<std::size_t>(std::stoull(token.substr(8)));
  } catch (...) {
    return std::nullopt;
  }
}

// A metric query without a Label is labelled with its metric's name; when several such
// queries read one metric, AWS adds what tells them apart: the statistic, the period, or both
// ("metric1 Sum 60").
void DefaultLabels(const boost::json::array& input, std::vector<MetricQuery>& queries) {
  std::vector<std::size_t> unlabelled;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    if (queries[i].metric_stat && input[i].is_object() && StringOr(input[i].get_object(), "Label").empty()) {
      unlabelled.push_back(i);
    }
  }
  for (std::size_t i : unlabelled) {
    const telemetry::MetricStatQuery& a = *queries[i].metric_stat;
    bool stats_differ = false, periods_differ = false;
    for (std::size_t j : unlabelled) {
      const telemetry::MetricStatQuery& b = *queries[j].metric_stat;
      if (j == i || !(a.metric == b.metric)) continue;
      stats_differ = stats_differ || !(a.statistic == b.statistic);
      periods_differ = periods_differ || a.period != b.period;
    }
    std::string label = a.metric.name;
    if (stats_differ) label.append(" ").append(telemetry::StatisticName(a.statistic));
    if (periods_differ) label.append(" ").append(std::to_string(a.period.nanos() / 1'000'000'000));
    queries[i].label = std::move(label);
  }
}

RpcReply GetMetricData(CloudWatchContext& ctx, const RpcCall& call) {
  const std::optional<Timestamp> start = TimestampOf(call.input, "StartTime");
  const std::optional<Timestamp> end = TimestampOf(call.input, "EndTime");
  if (!start || !end) return RpcReply::Fail("MissingRequiredParameterException", "StartTime and EndTime are required.");
  if (*start >= *end) return Invalid("The parameter StartTime must be less than the parameter EndTime.");
  std::vector<MetricQuery> queries;
  const boost::json::array* list = ArrayOf(call.input, "MetricDataQueries");
  if (!list || list->empty()) {
    return RpcReply::Fail("MissingRequiredParameterException", "The parameter MetricDataQueries is required.");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto q = ParseMetricDataQuery((*list)[i], "MetricDataQueries.member." + std::to_string(i + 1));
    if (!q.ok()) return RpcReply::Of(q.status());
    queries.push_back(std::move(*q));
  }
  DefaultLabels(*list, queries);
  const bool ascending = StringOr(call.input, "ScanBy", "TimestampDescending") == "TimestampAscending";
  const double max_points = NumberOf(call.input, "MaxDatapoints").value_or(100'800);
  if (max_points < 1) return Invalid("The parameter MaxDatapoints must be greater than 0.");
  std::size_t skip = 0;
  if (const std::string token = StringOr(call.input, "NextToken"); !token.empty()) {
    std::optional<std::size_t> offset = ReadPageToken(token);
    if (!offset) return RpcReply::Fail("InvalidNextToken", "The service couldn't process the NextToken.");
    skip = *offset;
  }

  // StartTime is rounded down to the minute (spec §6.2).
  const Timestamp from = Timestamp::FromUnixSeconds(start->unix_seconds() - start->unix_seconds() % 60);
  auto results = RunMetricQueries(ctx.telemetry, ScopeOf(ctx.registry, call.account, call.region), queries, from, *end);
  if (!results.ok()) return RpcReply::Of(results.status());

  RpcReply reply;
  boost::json::array out;
  std::size_t seen = 0;
  std::size_t budget = static_cast<std::size_t>(max_points);
  bool truncated = false;
  for (const telemetry::QueryResult& r : *results) {
    if (!r.return_data) continue;
    std::vector<std::size_t> order(r.series.timestamps.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = ascending ? i : order.size() - 1 - i;
    boost::json::array timestamps, values;
    std::size_t taken_here = 0;
    for (std::size_t i : order) {
      if (seen++ < skip) continue;
      if (budget == 0) {
        truncated = true;
        break;
      }
      --budget;
      ++taken_here;
      timestamps.push_back(EpochSeconds(r.series.timestamps[i]));
      values.push_back(r.series.values[i]);
    }
    const std::size_t before_page = seen - taken_here;
    if (before_page < skip && taken_here == 0) continue;  // wholly on an earlier page
    boost::json::array messages;
    for (const telemetry::QueryMessage& m : r.messages) {
      messages.push_back(boost::json::object{{"Code", m.code}, {"Value", m.value}});
    }
    boost::json::object item{{"Id", r.id},
                             {"Label", r.label},
                             {"Timestamps", std::move(timestamps)},
                             {"Values", std::move(values)},
                             {"StatusCode", truncated ? std::string("PartialData") : r.status_code}};
    if (!messages.empty()) item["Messages"] = std::move(messages);
    out.push_back(std::move(item));
    if (truncated) break;
  }
  reply.output["MetricDataResults"] = std::move(out);
  reply.output["Messages"] = boost::json::array();
  if (truncated) reply.output["NextToken"] = PageToken(skip + static_cast<std::size_t>(max_points));
  return reply;
}

RpcReply GetMetricStatistics(CloudWatchContext& ctx, const RpcCall& call) {
  const std::optional<Timestamp> start = TimestampOf(call.input, "StartTime");
  const std::optional<Timestamp> end = TimestampOf(call.input, "EndTime");
  const std::int64_t period = static_cast<std::int64_t>(NumberOf(call.input, "Period").value_or(0));
  if (!start || !end) return RpcReply::Fail("MissingRequiredParameterException", "StartTime and EndTime are required.");
  if (*start >= *end) return Invalid("The parameter StartTime must be less than the parameter EndTime.");
  if (!ValidPeriod(period)) return Invalid(BadPeriod("Period"));
  std::vector<telemetry::Statistic> stats;
  std::vector<std::string> names;
  const boost::json::array* standard = ArrayOf(call.input, "Statistics");
  const boost::json::array* extended = ArrayOf(call.input, "ExtendedStatistics");
  if ((standard && !standard->empty()) == (extended && !extended->empty())) {
    return RpcReply::Fail("InvalidParameterCombinationException",
                          "Must specify either Statistics or ExtendedStatistics, but not both.");
  }
  for (const boost::json::array* list : {standard, extended}) {
    if (!list) continue;
    for (const boost::json::value& v : *list) {
      const std::string name = v.is_string() ? std::string(v.get_string()) : "";
      std::optional<telemetry::Statistic> s = telemetry::ParseStatistic(name);
      if (!s || (list == extended) != (s->kind == telemetry::StatisticKind::kPercentile)) {
        return Invalid("The value " + name + " for parameter " +
                       (list == extended ? "ExtendedStatistics" : "Statistics") + " is not a valid statistic.");
      }
      stats.push_back(*s);
      names.push_back(name);
    }
  }
  const MetricId metric = ParseMetric(call.input);
  const std::string unit = StringOr(call.input, "Unit");
  const MetricScope scope = ScopeOf(ctx.registry, call.account, call.region);
  auto [points, series_unit] = ctx.telemetry.Read([&](telemetry::MetricStore& store, const telemetry::LambdaMetrics&) {
    std::optional<std::string_view> filter;
    if (!unit.empty()) filter = unit;
    return std::make_pair(store.QueryStatistics(scope.owner, metric, *start, *end, Duration::Seconds(period), stats, filter),
                          store.UnitOf(scope.owner, metric).value_or("None"));
  });
  boost::json::array datapoints;
  for (const telemetry::MultiDatapoint& p : points) {
    boost::json::object d{{"Timestamp", EpochSeconds(p.at)}};
    boost::json::object ext;
    for (std::size_t i = 0; i < stats.size(); ++i) {
      if (stats[i].kind == telemetry::StatisticKind::kPercentile) {
        ext[names[i]] = p.values[i];
      } else {
        d[names[i]] = p.values[i];
      }
    }
    if (!ext.empty()) d["ExtendedStatistics"] = std::move(ext);
    d["Unit"] = unit.empty() ? series_unit : unit;
    datapoints.push_back(std::move(d));
  }
  RpcReply reply;
  reply.output["Label"] = metric.name;
  reply.output["Datapoints"] = std::move(datapoints);
  return reply;
}

RpcReply ListMetrics(CloudWatchContext& ctx, const RpcCall& call) {
  constexpr std::size_t kPage = 500;
  const std::string ns = StringOr(call.input, "Namespace");
  const std::string name = StringOr(call.input, "MetricName");
  const std::vector<telemetry::Dimension> filter = ParseDimensions(call.input);
  const std::string recently = StringOr(call.input, "RecentlyActive");
  const Timestamp since = recently == "PT3H" ? call.now - Duration::Hours(3) : Timestamp::Epoch();
  std::size_t offset = 0;
  if (const std::string token = StringOr(call.input, "NextToken"); !token.empty()) {
    std::optional<std::size_t> o = ReadPageToken(token);
    if (!o) return RpcReply::Fail("InvalidNextToken", "The service couldn't process the NextToken.");
    offset = *o;
  }
  const MetricScope scope = ScopeOf(ctx.registry, call.account, call.region);
  std::vector<MetricId> metrics = ctx.telemetry.Read([&](telemetry::MetricStore& store, const telemetry::LambdaMetrics&) {
    return store.List(scope.owner, ns, name, filter, since);
  });
  boost::json::array out;
  for (std::size_t i = offset; i < metrics.size() && i < offset + kPage; ++i) {
    out.push_back(boost::json::object{{"Namespace", metrics[i].ns},
                                      {"MetricName", metrics[i].name},
                                      {"Dimensions", RenderDimensions(metrics[i].dimensions)}});
  }
  RpcReply reply;
  reply.output["Metrics"] = std::move(out);
  if (offset + kPage < metrics.size()) reply.output["NextToken"] = PageToken(offset + kPage);
  return reply;
}

RpcReply PutMetricData(CloudWatchContext& ctx, const RpcCall& call) {
  const std::string ns = StringOr(call.input, "Namespace");
  if (ns.rfind("AWS/", 0) == 0) return Invalid("The value AWS/ for parameter Namespace is invalid.");
  const boost::json::array* data = ArrayOf(call.input, "MetricData");
  if (!data) return RpcReply::Fail("MissingRequiredParameterException", "The parameter MetricData is required.");
  struct Sample {
    MetricId id;
    Timestamp at;
    std::string unit;
    std::vector<std::pair<double, double>> values;  // (value, count)
    std::optional<telemetry::SampleSet> set;
  };
  std::vector<Sample> samples;
  for (std::size_t i = 0; i < data->size(); ++i) {
    if (!(*data)[i].is_object()) continue;
    const boost::json::object& d = (*data)[i].get_object();
    const std::string where = "MetricData.member." + std::to_string(i + 1);
    Sample s;
    s.id = telemetry::MakeMetricId(ns, StringOr(d, "MetricName"), ParseDimensions(d));
    s.at = TimestampOf(d, "Timestamp").value_or(call.now);
    s.unit = StringOr(d, "Unit", "None");
    const std::optional<double> value = NumberOf(d, "Value");
    const boost::json::object* stats = ObjectOf(d, "StatisticValues");
    const boost::json::array* values = ArrayOf(d, "Values");
    if (value && values) {
      return RpcReply::Fail("InvalidParameterCombinationException",
                            "The parameters " + where + ".Value and " + where +
                                ".Values are mutually exclusive and you have specified both.");
    }
    if (value && stats) {
      return RpcReply::Fail("InvalidParameterCombinationException",
                            "The parameters " + where + ".Value and " + where +
                                ".StatisticValues are mutually exclusive and you have specified both.");
    }
    if (value) {
      if (!std::isfinite(*value)) return NotFinite(*value, where + ".Value");
      s.values.push_back({*value, 1});
    } else if (stats) {
      double field[4];
      const char* names[4] = {"SampleCount", "Sum", "Minimum", "Maximum"};
      for (int k = 0; k < 4; ++k) {
        field[k] = NumberOf(*stats, names[k]).value_or(0);
        if (!std::isfinite(field[k])) return NotFinite(field[k], where + ".StatisticValues." + names[k]);
      }
      s.set = telemetry::SampleSet{field[0], field[1], field[2], field[3]};
    } else if (values) {
      const boost::json::array* counts = ArrayOf(d, "Counts");
      if (counts && counts->size() != values->size()) {
        return Invalid("The parameters " + where + ".Values and " + where + ".Counts must be of the same size.");
      }
      for (std::size_t k = 0; k < values->size(); ++k) {
        const double v = (*values)[k].is_number() ? (*values)[k].to_number<double>() : 0;
        const double c = counts && (*counts)[k].is_number() ? (*counts)[k].to_number<double>() : 1;
        if (!std::isfinite(v)) return NotFinite(v, where + ".Values.member." + std::to_string(k + 1));
        if (!std::isfinite(c)) return NotFinite(c, where + ".Counts.member." + std::to_string(k + 1));
        s.values.push_back({v, c});
      }
    } else {
      return RpcReply::Fail("MissingRequiredParameterException",
                            "The parameter " + where + ".Value is required.");
    }
    samples.push_back(std::move(s));
  }
  const MetricScope scope = ScopeOf(ctx.registry, call.account, call.region);
  ctx.telemetry.Write([&](telemetry::MetricStore& store) {
    for (const Sample& s : samples) {
      if (s.set) store.RecordSet(scope.owner, s.id, s.at, *s.set, s.unit);
      for (const auto& [v, c] : s.values) store.Record(scope.owner, s.id, s.at, v, c, s.unit);
    }
  });
  return RpcReply();
}

}  // namespace

telemetry::MetricId ParseMetric(const boost::json::object& metric) {
  return telemetry::MakeMetricId(StringOr(metric, "Namespace"), StringOr(metric, "MetricName"),
                                 ParseDimensions(metric));
}

StatusOr<MetricQuery> ParseMetricDataQuery(const boost::json::value& value, const std::string& where) {
  if (!value.is_object()) return Status(ErrorCode::kInvalidParameter, "The parameter " + where + " must be a structure.");
  const boost::json::object& q = value.get_object();
  MetricQuery query;
  query.id = StringOr(q, "Id");
  query.expression = StringOr(q, "Expression");
  query.label = StringOr(q, "Label");
  query.return_data = BoolOf(q, "ReturnData").value_or(true);
  if (std::optional<double> p = NumberOf(q, "Period")) {
    if (!ValidPeriod(static_cast<std::int64_t>(*p))) return Status(ErrorCode::kInvalidParameter, BadPeriod(where + ".Period"));
    query.period = Duration::Seconds(static_cast<std::int64_t>(*p));
  }
  if (const boost::json::object* stat = ObjectOf(q, "MetricStat")) {
    telemetry::MetricStatQuery ms;
    if (const boost::json::object* metric = ObjectOf(*stat, "Metric")) ms.metric = ParseMetric(*metric);
    const std::int64_t period = static_cast<std::int64_t>(NumberOf(*stat, "Period").value_or(0));
    if (!ValidPeriod(period)) return Status(ErrorCode::kInvalidParameter, BadPeriod(where + ".MetricStat.Period"));
    ms.period = Duration::Seconds(period);
    const std::string stat_name = StringOr(*stat, "Stat");
    std::optional<telemetry::Statistic> s = telemetry::ParseStatistic(stat_name);
    if (!s) {
      return Status(ErrorCode::kInvalidParameter, "The value " + stat_name + " for parameter " + where +
                                                      ".MetricStat.Stat is not a valid statistic.");
    }
    ms.statistic = *s;
    if (std::string unit = StringOr(*stat, "Unit"); !unit.empty()) ms.unit = unit;
    if (query.label.empty()) query.label = ms.metric.name;
    query.metric_stat = std::move(ms);
  }
  return query;
}

MetricScope ScopeOf(AccountRegistry& registry, std::string_view account, std::string_view region) {
  return registry.With(account, region, [](engine::Account& a) {
    return MetricScope{a.index(), static_cast<double>(a.Pool().limit)};
  });
}

StatusOr<std::vector<telemetry::QueryResult>> RunMetricQueries(Telemetry& telemetry, const MetricScope& scope,
                                                               std::span<const MetricQuery> queries,
                                                               Timestamp start, Timestamp end) {
  return telemetry.Read([&](telemetry::MetricStore& store, const telemetry::LambdaMetrics&) {
    return telemetry::EvaluateStoreQueries(store, scope.owner, queries, start, end, scope.concurrency_quota);
  });
}

std::vector<RpcOperation> CloudWatchMetricOperations(CloudWatchContext& ctx) {
  return {
      {"GetMetricData", false, [&ctx](const RpcCall& c) { return GetMetricData(ctx, c); }},
      {"GetMetricStatistics", false, [&ctx](const RpcCall& c) { return GetMetricStatistics(ctx, c); }},
      {"ListMetrics", false, [&ctx](const RpcCall& c) { return ListMetrics(ctx, c); }},
      {"PutMetricData", false, [&ctx](const RpcCall& c) { return PutMetricData(ctx, c); }},
  };
}

}  // namespace hr::server
