#include "telemetry/metric_query.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/metric_math.h"

namespace hr::telemetry {
namespace {

// Minute-aligned, like CloudWatch's period starts.
const Timestamp kT0 = Timestamp::FromUnixSeconds(1'700'000'040);
Timestamp T(int minute) { return kT0 + Duration::Minutes(minute); }

// A series at the given minutes; nullopt is a missing point.
TimeSeries Series(std::vector<std::optional<double>> by_minute) {
  TimeSeries ts;
  for (std::size_t i = 0; i < by_minute.size(); ++i) {
    if (!by_minute[i].has_value()) continue;
    ts.timestamps.push_back(T(static_cast<int>(i)));
    ts.values.push_back(*by_minute[i]);
  }
  return ts;
}

// The series as values per minute from kT0 over `minutes`, nullopt where missing; fails the
// test on a point off the minute grid.
std::vector<std::optional<double>> ByMinute(const TimeSeries& ts, int minutes) {
  std::vector<std::optional<double>> out(static_cast<std::size_t>(minutes));
  EXPECT_EQ(ts.timestamps.size(), ts.values.size());
  for (std::size_t i = 0; i < ts.timestamps.size(); ++i) {
    const std::int64_t offset = (ts.timestamps[i] - kT0).nanos();
    EXPECT_EQ(offset % Duration::Minutes(1).nanos(), 0);
    const std::int64_t minute = offset / Duration::Minutes(1).nanos();
    EXPECT_GE(minute, 0);
    EXPECT_LT(minute, minutes);
    if (minute >= 0 && minute < minutes) out[static_cast<std::size_t>(minute)] = ts.values[i];
  }
  return out;
}

using Values = std::vector<std::optional<double>>;
constexpr std::nullopt_t kNone = std::nullopt;

// ---------------------------------------------------------------------------------------
// EvaluateQueries, with a fake metric store: series by metric name.

MetricId Lambda(std::string name) { return MetricId{"AWS/Lambda", std::move(name), {}}; }

MetricQuery Metric(std::string id, std::string name, bool return_data = true,
                   Duration period = Duration::Seconds(60)) {
  MetricQuery q;
  q.id = std::move(id);
  q.metric_stat = MetricStatQuery{Lambda(std::move(name)), period, Statistic{}, std::nullopt};
  q.return_data = return_data;
  return q;
}

MetricQuery Expr(std::string id, std::string expression, std::string label = "") {
  MetricQuery q;
  q.id = std::move(id);
  q.expression = std::move(expression);
  q.label = std::move(label);
  return q;
}

class MetricQueryTest : public ::testing::Test {
 protected:
  QueryEnvironment Environment(int minutes = 5) {
    QueryEnvironment env;
    env.start = kT0;
    env.end = T(minutes);
    env.fetch = [this](const MetricStatQuery& q) {
      fetched_.push_back(q);
      auto it = data_.find(q.metric.name);
      return it == data_.end() ? TimeSeries{} : it->second;
    };
    env.service_quota = [this](const MetricId& id) -> std::optional<double> {
      if (id == Lambda("ConcurrentExecutions")) return account_limit_;
      return std::nullopt;
    };
    return env;
  }

  StatusOr<std::vector<QueryResult>> Run(const std::vector<MetricQuery>& queries, int minutes = 5) {
    return EvaluateQueries(queries, Environment(minutes));
  }

  // The single result with this id.
  static const QueryResult& Find(const std::vector<QueryResult>& results, const std::string& id) {
    const QueryResult* found = nullptr;
    for (const auto& r : results) {
      if (r.id == id) {
        EXPECT_EQ(found, nullptr) << "more than one result for " << id;
        found = &r;
      }
    }
    EXPECT_NE(found, nullptr) << "no result for " << id;
    static const QueryResult kEmpty;
    return found != nullptr ? *found : kEmpty;
  }

  std::string Error(const std::vector<MetricQuery>& queries) {
    auto result = Run(queries);
    EXPECT_FALSE(result.ok());
    if (result.ok()) return "";
    EXPECT_EQ(result.status().code(), ErrorCode::kValidation);
    return result.status().message();
  }

  std::map<std::string, TimeSeries> data_;
  std::vector<MetricStatQuery> fetched_;
  double account_limit_ = 1000;
};

// The user story's dashboard: limit 1,000, one execution running and claiming 1.
TEST_F(MetricQueryTest, UserStoryDashboardAtLimit1000) {
  data_["ConcurrentExecutions"] = Series({1, 1, 1});
  data_["ClaimedAccountConcurrency"] = Series({1, 1, 1});
  std::vector<MetricQuery> queries = {
      Metric("m1", "ConcurrentExecutions", /*return_data=*/false),
      Expr("e1", "SERVICE_QUOTA(m1)", "Current Concurrent Limit"),
      Metric("m2", "ClaimedAccountConcurrency"),
      Expr("e2", "(m2/e1)*100", "% Claimed"),
      Expr("e5", "e1 - m2", "Available"),
  };
  auto results = Run(queries);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 5u);
  const std::vector<std::string> ids = {"m1", "e1", "m2", "e2", "e5"};
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ((*results)[i].id, ids[i]);

  const QueryResult& m1 = Find(*results, "m1");
  EXPECT_FALSE(m1.return_data);
  EXPECT_EQ(m1.label, "m1");
  ASSERT_TRUE(m1.series.source.has_value());
  EXPECT_EQ(*m1.series.source, Lambda("ConcurrentExecutions"));

  const QueryResult& e1 = Find(*results, "e1");
  EXPECT_TRUE(e1.return_data);
  EXPECT_EQ(e1.label, "Current Concurrent Limit");
  EXPECT_EQ(ByMinute(e1.series, 3), (Values{1000, 1000, 1000}));
  EXPECT_FALSE(e1.series.source.has_value());

  const QueryResult& e2 = Find(*results, "e2");
  EXPECT_EQ(e2.label, "% Claimed");
  ASSERT_EQ(e2.series.values.size(), 3u);
  for (double v : e2.series.values) EXPECT_DOUBLE_EQ(v, 0.1);

  const QueryResult& e5 = Find(*results, "e5");
  EXPECT_EQ(e5.label, "Available");
  EXPECT_EQ(ByMinute(e5.series, 3), (Values{999, 999, 999}));

  const QueryResult& m2 = Find(*results, "m2");
  EXPECT_EQ(ByMinute(m2.series, 3), (Values{1, 1, 1}));
  EXPECT_EQ(m2.status_code, "Complete");
  EXPECT_TRUE(e2.messages.empty());
}

TEST_F(MetricQueryTest, ServiceQuotaFollowsTheAppliedQuota) {
  data_["ConcurrentExecutions"] = Series({5, 7});
  std::vector<MetricQuery> queries = {Metric("m1", "ConcurrentExecutions", false),
                                      Expr("e1", "SERVICE_QUOTA(m1)")};
  auto before = Run(queries);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(ByMinute(Find(*before, "e1").series, 2), (Values{1000, 1000}));
  account_limit_ = 1100;  // an increase was approved
  auto after = Run(queries);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(ByMinute(Find(*after, "e1").series, 2), (Values{1100, 1100}));
}

TEST_F(MetricQueryTest, ServiceQuotaHasTheUsageMetricsTimestamps) {
  data_["ConcurrentExecutions"] = Series({kNone, 3, kNone, 4});
  auto results = Run({Metric("m1", "ConcurrentExecutions"), Expr("e1", "SERVICE_QUOTA(m1)")});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(ByMinute(Find(*results, "e1").series, 5), (Values{kNone, 1000, kNone, 1000, kNone}));
}

TEST_F(MetricQueryTest, ServiceQuotaOfAMetricWithoutQuotaIsAnError) {
  data_["Invocations"] = Series({1});
  EXPECT_EQ(Error({Metric("m1", "Invocations"), Expr("e1", "SERVICE_QUOTA(m1)")}),
            "Error in expression e1: SERVICE_QUOTA: the metric AWS/Lambda Invocations of m1 is "
            "not a usage metric with a service quota");
}

TEST_F(MetricQueryTest, ServiceQuotaOfAnExpressionIsAnError) {
  std::string message = Error({Metric("m1", "ConcurrentExecutions"), Expr("e1", "m1 * 2"),
                               Expr("e2", "SERVICE_QUOTA(e1)")});
  EXPECT_EQ(message.rfind("Error in expression e2: The argument of SERVICE_QUOTA must be a usage "
                          "metric",
                          0),
            0u)
      << message;
  message = Error({Expr("e1", "SERVICE_QUOTA(5)")});
  EXPECT_NE(message.find("not a scalar"), std::string::npos) << message;
}

TEST_F(MetricQueryTest, MetricQueriesAreFetchedWithTheirMetricStat) {
  data_["Throttles"] = Series({2, kNone, 4});
  MetricQuery q = Metric("throttles", "Throttles", true, Duration::Seconds(300));
  q.metric_stat->statistic = Statistic{StatisticKind::kSum, 0};
  q.metric_stat->unit = "Count";
  q.label = "Throttled";
  auto results = Run({q});
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(fetched_.size(), 1u);
  EXPECT_EQ(fetched_[0].metric, Lambda("Throttles"));
  EXPECT_EQ(fetched_[0].period, Duration::Seconds(300));
  EXPECT_EQ(fetched_[0].statistic, (Statistic{StatisticKind::kSum, 0}));
  EXPECT_EQ(fetched_[0].unit, std::optional<std::string>("Count"));
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].label, "Throttled");
  EXPECT_EQ(ByMinute((*results)[0].series, 3), (Values{2, kNone, 4}));
  EXPECT_EQ((*results)[0].series.source, Lambda("Throttles"));
}

TEST_F(MetricQueryTest, LabelDefaultsToTheId) {
  data_["Invocations"] = Series({1});
  auto results = Run({Metric("invocations", "Invocations"), Expr("doubled", "invocations*2")});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(Find(*results, "invocations").label, "invocations");
  EXPECT_EQ(Find(*results, "doubled").label, "doubled");
}

TEST_F(MetricQueryTest, ExpressionsRunInDependencyOrderWhateverTheRequestOrder) {
  data_["ConcurrentExecutions"] = Series({10});
  auto results = Run({Expr("e3", "e2 + 1"), Expr("e2", "e1 * 2"), Expr("e1", "m1 + 5"),
                      Metric("m1", "ConcurrentExecutions")});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ((*results)[0].id, "e3");
  EXPECT_EQ(ByMinute((*results)[0].series, 1), (Values{31}));
  EXPECT_EQ(ByMinute((*results)[1].series, 1), (Values{30}));
  EXPECT_EQ(ByMinute((*results)[2].series, 1), (Values{15}));
}

TEST_F(MetricQueryTest, IdsMustStartWithALowercaseLetter) {
  for (const std::string& bad :
       std::vector<std::string>{"M1", "1m", "_m", "m-1", "m.1", "m 1", "", std::string(256, 'a')}) {
    MetricQuery q = Metric(bad, "Invocations");
    EXPECT_EQ(Error({Metric("ok", "Invocations"), q}),
              "The value " + bad +
                  " for parameter MetricDataQueries.member.2.Id is invalid. The valid characters "
                  "are letters, numbers, and underscore. The first character must be a lowercase "
                  "letter.")
        << bad;
  }
  for (const std::string& good :
       std::vector<std::string>{"m", "mA_9", "errors_5xx", std::string(255, 'a')}) {
    EXPECT_TRUE(Run({Metric(good, "Invocations")}).ok()) << good;
  }
}

TEST_F(MetricQueryTest, DuplicateIdsAreRefused) {
  EXPECT_EQ(Error({Metric("m1", "Invocations"), Expr("e1", "m1"), Metric("m1", "Errors")}),
            "The value m1 for parameter MetricDataQueries.member.3.Id is not unique.");
}

TEST_F(MetricQueryTest, ExactlyOneOfMetricStatAndExpression) {
  MetricQuery neither;
  neither.id = "q";
  EXPECT_EQ(Error({neither}), "The parameter MetricDataQueries.member.1.MetricStat is required.\n");
  MetricQuery both = Metric("q", "Invocations");
  both.expression = "1";
  EXPECT_EQ(Error({both}),
            "The parameters MetricDataQueries.member.1.MetricStat and "
            "MetricDataQueries.member.1.Expression are mutually exclusive and you have specified "
            "both.");
}

TEST_F(MetricQueryTest, UnknownIdIsAnError) {
  EXPECT_EQ(Error({Metric("m1", "Invocations"), Expr("e1", "m1 + m9")}),
            "Error in expression e1: Unrecognized identifier m9");
}

TEST_F(MetricQueryTest, CyclesAreRefused) {
  EXPECT_EQ(Error({Expr("e1", "e2 + 1"), Expr("e2", "e3 * 2"), Expr("e3", "e1")}),
            "Error in expression e1: Circular reference: e1 -> e2 -> e3 -> e1");
  EXPECT_EQ(Error({Expr("e1", "e1 + 1")}), "Error in expression e1: Circular reference: e1 -> e1");
  // A cycle that does not include the first expression names only its own members.
  EXPECT_EQ(Error({Metric("m1", "Invocations"), Expr("e1", "e2 + m1"), Expr("e2", "e3"),
                   Expr("e3", "e2")}),
            "Error in expression e2: Circular reference: e2 -> e3 -> e2");
}

TEST_F(MetricQueryTest, ParseErrorsNameTheExpression) {
  EXPECT_EQ(Error({Metric("m1", "Invocations"), Expr("e1", "m1 +")}),
            "Error in expression e1: Syntax error at character 5: unexpected end of expression");
  EXPECT_EQ(Error({Metric("m1", "Invocations"), Expr("e1", "FOO(m1)")}),
            "Error in expression e1: Unknown function FOO at character 1");
}

TEST_F(MetricQueryTest, ExpressionOfMoreThan2048CharactersIsRefused) {
  std::string text = "1";
  while (text.size() < 2049) text += "+1";
  text.resize(2049);
  std::string message = Error({Expr("e1", text)});
  EXPECT_EQ(message,
            "Error in expression e1: The expression is 2049 characters long; the maximum "
            "is 2048");
  text.resize(2047);  // "1+1+...+1" of 2047 characters parses
  EXPECT_TRUE(Run({Expr("e1", text)}).ok());
}

TEST_F(MetricQueryTest, DivisionByZeroDropsThePointWithAnArithmeticError) {
  data_["Errors"] = Series({1, 2, 3});
  data_["Invocations"] = Series({10, 0, 30});
  auto results =
      Run({Metric("errors", "Errors", false), Metric("invocations", "Invocations", false),
           Expr("rate", "100 * errors / invocations")});
  ASSERT_TRUE(results.ok());
  const QueryResult& rate = Find(*results, "rate");
  EXPECT_EQ(ByMinute(rate.series, 3), (Values{10, kNone, 10}));
  EXPECT_EQ(rate.status_code, "Complete");
  ASSERT_EQ(rate.messages.size(), 1u);
  EXPECT_EQ(rate.messages[0].code, "ArithmeticError");
  EXPECT_EQ(rate.messages[0].value,
            "One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, "
            "+Infinite)");
  EXPECT_TRUE(Find(*results, "errors").messages.empty());
}

TEST_F(MetricQueryTest, ScalarResultIsReturnedAtEveryPeriodOfTheRange) {
  data_["ConcurrentExecutions"] = Series({4, 8});
  auto results =
      Run({Expr("ten", "10"), Metric("m1", "ConcurrentExecutions"), Expr("peak", "MAX(m1)")});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_EQ(ByMinute(Find(*results, "ten").series, 5), (Values{10, 10, 10, 10, 10}));
  EXPECT_EQ(ByMinute(Find(*results, "peak").series, 5), (Values{8, 8, 8, 8, 8}));
}

TEST_F(MetricQueryTest, ExpressionPeriodIsItsOwnOrThatOfTheMetricsItNames) {
  data_["ConcurrentExecutions"] = Series({4});
  MetricQuery own = Expr("own", "1");
  own.period = Duration::Seconds(120);
  auto results = Run({own, Metric("m1", "ConcurrentExecutions", true, Duration::Seconds(180)),
                      Expr("named", "AVG(m1)"), Expr("chained", "named + 0")},
                     /*minutes=*/6);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_EQ(ByMinute(Find(*results, "own").series, 6), (Values{1, kNone, 1, kNone, 1, kNone}));
  EXPECT_EQ(ByMinute(Find(*results, "named").series, 6),
            (Values{4, kNone, kNone, 4, kNone, kNone}));
  // "named" is the scalar 4: chained is one too, on named's period.
  EXPECT_EQ(ByMinute(Find(*results, "chained").series, 6),
            (Values{4, kNone, kNone, 4, kNone, kNone}));
}

TEST_F(MetricQueryTest, MetricsFunctionGivesOneResultPerMetric) {
  data_["Errors4xx"] = Series({1, 2});
  data_["Errors5xx"] = Series({10, 20});
  data_["Invocations"] = Series({100, 200});
  MetricQuery m4 = Metric("errors_4xx", "Errors4xx", false);
  m4.label = "4xx";
  MetricQuery m5 = Metric("errors_5xx", "Errors5xx", false);
  m5.label = "5xx";
  auto results =
      Run({m4, m5, Metric("calls", "Invocations", false),
           Expr("scaled", "METRICS(\"errors\") * 10", "Scaled"), Expr("raw", "METRICS(\"errors\")"),
           Expr("total", "SUM(METRICS(\"errors\"))"), Expr("everything", "METRIC_COUNT(METRICS())"),
           Expr("none", "METRICS(\"nothing\")")});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  std::vector<const QueryResult*> scaled, raw;
  for (const auto& r : *results) {
    if (r.id == "scaled") scaled.push_back(&r);
    if (r.id == "raw") raw.push_back(&r);
  }
  ASSERT_EQ(scaled.size(), 2u);
  EXPECT_EQ(scaled[0]->label, "Scaled 4xx");
  EXPECT_EQ(ByMinute(scaled[0]->series, 2), (Values{10, 20}));
  EXPECT_EQ(scaled[1]->label, "Scaled 5xx");
  EXPECT_EQ(ByMinute(scaled[1]->series, 2), (Values{100, 200}));
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0]->label, "4xx");
  EXPECT_FALSE(raw[0]->series.source.has_value());
  EXPECT_EQ(ByMinute(Find(*results, "total").series, 2), (Values{11, 22}));
  EXPECT_EQ(ByMinute(Find(*results, "everything").series, 5), (Values{3, 3, 3, 3, 3}));
  // No metric matches: one empty result.
  EXPECT_TRUE(Find(*results, "none").series.values.empty());
  // Results stay in request order.
  EXPECT_EQ((*results)[3].id, "scaled");
  EXPECT_EQ((*results)[5].id, "raw");
}

TEST_F(MetricQueryTest, ExpressionsMayUseOtherExpressionsArrays) {
  data_["A"] = Series({1, 2});
  data_["B"] = Series({3, kNone});
  auto results = Run({Metric("a", "A"), Metric("b", "B"), Expr("filled", "FILL(METRICS(), 0)"),
                      Expr("sum", "SUM(filled)")},
                     2);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_EQ(ByMinute(Find(*results, "sum").series, 2), (Values{4, 2}));
}

// ---------------------------------------------------------------------------------------
// MetricMath: the language on its own.

class MetricMathTest : public ::testing::Test {
 protected:
  MetricMathTest() {
    env_.start = kT0;
    env_.end = T(5);
    env_.lookup = [this](std::string_view id) -> const MathValue* {
      auto it = values_.find(std::string(id));
      return it == values_.end() ? nullptr : &it->second;
    };
    env_.service_quota = [](const MetricId& id) -> std::optional<double> {
      if (id.name == "ConcurrentExecutions") return 1000;
      return std::nullopt;
    };
  }

  void Set(const std::string& id, TimeSeries ts, std::optional<MetricId> source = std::nullopt) {
    MathSeries s;
    s.id = id;
    s.label = id;
    s.series = std::move(ts);
    s.series.source = std::move(source);
    if (s.series.source.has_value()) s.period = Duration::Seconds(60);
    values_[id] = s;
    if (s.series.source.has_value()) metrics_.push_back(s);
    env_.metrics = metrics_;
  }

  StatusOr<MathResult> Eval(const std::string& text) {
    auto expression = MathExpression::Parse(text);
    if (!expression.ok()) return expression.status();
    return expression->Evaluate(env_);
  }

  double Scalar(const std::string& text) {
    auto r = Eval(text);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    if (!r.ok()) return std::nan("");
    EXPECT_TRUE(std::holds_alternative<double>(r->value)) << text;
    return std::holds_alternative<double>(r->value) ? std::get<double>(r->value) : std::nan("");
  }

  Values Ts(const std::string& text, int minutes = 5) {
    auto r = Eval(text);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    if (!r.ok()) return {};
    EXPECT_TRUE(std::holds_alternative<MathSeries>(r->value)) << text;
    if (!std::holds_alternative<MathSeries>(r->value)) return {};
    return ByMinute(std::get<MathSeries>(r->value).series, minutes);
  }

  std::string ParseError(const std::string& text) {
    auto expression = MathExpression::Parse(text);
    EXPECT_FALSE(expression.ok()) << text;
    if (expression.ok()) return "";
    EXPECT_EQ(expression.status().code(), ErrorCode::kValidation);
    return expression.status().message();
  }

  std::string EvalError(const std::string& text) {
    auto r = Eval(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? "" : r.status().message();
  }

  MathEnvironment env_;
  std::map<std::string, MathValue> values_;
  std::vector<MathSeries> metrics_;
};

TEST_F(MetricMathTest, OperatorPrecedence) {
  EXPECT_DOUBLE_EQ(Scalar("2+3*4"), 14);
  EXPECT_DOUBLE_EQ(Scalar("(2+3)*4"), 20);
  EXPECT_DOUBLE_EQ(Scalar("10-4-3"), 3);
  EXPECT_DOUBLE_EQ(Scalar("8/4/2"), 1);
  EXPECT_DOUBLE_EQ(Scalar("2*3^2"), 18);
  EXPECT_DOUBLE_EQ(Scalar("2^3^2"), 512);
  EXPECT_DOUBLE_EQ(Scalar("-2^2"), -4);
  EXPECT_DOUBLE_EQ(Scalar("2^-1"), 0.5);
  EXPECT_DOUBLE_EQ(Scalar("-3*-2"), 6);
  EXPECT_DOUBLE_EQ(Scalar("1 - -1"), 2);
  EXPECT_DOUBLE_EQ(Scalar("1+2 > 2*1"), 1);
  EXPECT_DOUBLE_EQ(Scalar("1 < 2 == 1"), 1);
  EXPECT_DOUBLE_EQ(Scalar("1 OR 0 AND 0"), 1);  // AND binds tighter than OR
  EXPECT_DOUBLE_EQ(Scalar("(1 OR 0) AND 0"), 0);
  EXPECT_DOUBLE_EQ(Scalar("NOT 0 AND 0"), 0);
  EXPECT_DOUBLE_EQ(Scalar("NOT 1 > 2"), 1);  // NOT applies to the comparison
  EXPECT_DOUBLE_EQ(Scalar("1 && !0 || 0"), 1);
  EXPECT_DOUBLE_EQ(Scalar("3 >= 3 AND 3 <= 3 AND 3 != 4"), 1);
  EXPECT_DOUBLE_EQ(Scalar(" 1.5e1 + .5 "), 15.5);
}

TEST_F(MetricMathTest, ParseErrors) {
  EXPECT_EQ(ParseError(""), "The expression is empty");
  EXPECT_EQ(ParseError("   "), "The expression is empty");
  EXPECT_EQ(ParseError("m1 +"), "Syntax error at character 5: unexpected end of expression");
  EXPECT_EQ(ParseError("(m1"), "Syntax error at character 4: unexpected end of expression");
  EXPECT_EQ(ParseError("m1 m2"), "Syntax error at character 4: unexpected 'm2'");
  EXPECT_EQ(ParseError("m1 = 2"), "Syntax error at character 4: unexpected character '='");
  EXPECT_EQ(ParseError("SUM(m1"), "Syntax error at character 7: unexpected end of expression");
  EXPECT_EQ(ParseError("1..2"), "Syntax error at character 1: invalid number '1..'");
  EXPECT_EQ(ParseError("2m"), "Syntax error at character 1: invalid number '2m'");
  EXPECT_EQ(ParseError("[]"), "Syntax error at character 1: empty array");
  EXPECT_EQ(ParseError("METRICS(\"x)"), "Syntax error at character 9: unterminated string");
  EXPECT_EQ(ParseError("FOO(m1)"), "Unknown function FOO at character 1");
  EXPECT_EQ(ParseError("sum(m1)"), "Unknown function sum at character 1");
  EXPECT_EQ(ParseError("FILL(m1)"), "FILL takes 2 arguments, not 1 at character 1");
  EXPECT_EQ(ParseError("IF(m1)"), "IF takes 2 or 3 arguments, not 1 at character 1");
  EXPECT_EQ(ParseError("RATE(m1, m2)"), "RATE takes 1 argument, not 2 at character 1");
  EXPECT_EQ(ParseError("SUM"), "Syntax error at character 1: SUM must be called, as SUM(...)");
  EXPECT_EQ(ParseError("M1 + 1"),
            "Unrecognized name M1 at character 1 (ids start with a lowercase letter; functions "
            "are called in uppercase)");
  EXPECT_EQ(ParseError("\"errors\""),
            "A string is accepted only as the argument of METRICS() at "
            "character 1");
  EXPECT_EQ(ParseError("METRICS(m1)"), "The argument of METRICS() must be a string at character 9");
  EXPECT_EQ(ParseError("m1 + REPEAT"),
            "REPEAT is accepted only as the second argument of FILL() at character 6");
  EXPECT_EQ(ParseError("FILL(LINEAR, m1)"),
            "LINEAR is accepted only as the second argument of FILL() at character 6");
  EXPECT_EQ(ParseError(std::string(300, '(') + "1" + std::string(300, ')')),
            "The expression is nested too deeply");
}

TEST_F(MetricMathTest, ReferencesAreListedOnce) {
  auto e = MathExpression::Parse("m1 + SUM([m2, e1]) * m1 / METRICS()");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->references(), (std::vector<std::string>{"m1", "m2", "e1"}));
  EXPECT_TRUE(e->calls_metrics());
  auto f = MathExpression::Parse("FILL(m1, REPEAT)");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->calls_metrics());
}

TEST_F(MetricMathTest, ArithmeticBetweenSeriesKeepsTheTimestampsBothHave) {
  Set("a", Series({1, 2, kNone, 4, 5}));
  Set("b", Series({10, kNone, 30, 40, 50}));
  EXPECT_EQ(Ts("a + b"), (Values{11, kNone, kNone, 44, 55}));
  EXPECT_EQ(Ts("b - a * 2"), (Values{8, kNone, kNone, 32, 40}));
  EXPECT_EQ(Ts("a * 10"), (Values{10, 20, kNone, 40, 50}));
  EXPECT_EQ(Ts("100 / b"), (Values{10, kNone, 100.0 / 30, 2.5, 2}));
  EXPECT_EQ(Ts("-a"), (Values{-1, -2, kNone, -4, -5}));
  EXPECT_EQ(Ts("a ^ 2"), (Values{1, 4, kNone, 16, 25}));
}

TEST_F(MetricMathTest, DivisionByZeroDropsThePoint) {
  Set("a", Series({1, 2, 3}));
  Set("b", Series({1, 0, 3}));
  auto r = Eval("a / b");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->dropped_non_numeric);
  EXPECT_EQ(ByMinute(std::get<MathSeries>(r->value).series, 3), (Values{1, kNone, 1}));
  EXPECT_EQ(Ts("a / 0", 3), (Values{kNone, kNone, kNone}));
  auto fine = Eval("a / 2");
  ASSERT_TRUE(fine.ok());
  EXPECT_FALSE(fine->dropped_non_numeric);
  EXPECT_EQ(Ts("LOG(b)", 3), (Values{0, kNone, std::log(3.0)}));
}

// The guide's table: metric1 [30, 20, 0, 0], metric2 [20, -, 20, -].
TEST_F(MetricMathTest, ComparisonsTreatAMissingValueAsZero) {
  Set("metric1", Series({30, 20, 0, 0}));
  Set("metric2", Series({20, kNone, 20, kNone}));
  EXPECT_EQ(Ts("(metric1 < metric2)", 4), (Values{0, 0, 1, 0}));
  EXPECT_EQ(Ts("(metric1 >= 30)", 4), (Values{1, 0, 0, 0}));
  EXPECT_EQ(Ts("(metric1 > 15 AND metric2 > 15)", 4), (Values{1, 0, 0, 0}));
  EXPECT_EQ(Ts("metric1 == 0 || metric2 == 20", 4), (Values{1, 0, 1, 1}));
  EXPECT_EQ(Ts("NOT metric1", 4), (Values{0, 0, 1, 1}));
}

// The guide's three IF tables.
TEST_F(MetricMathTest, IfFollowsTheGuidesTables) {
  Set("metric1", Series({1, 1, 0, 0, kNone}));
  Set("metric2", Series({30, kNone, 0, 0, 30}));
  Set("metric3", Series({0, 0, 20, kNone, 20}));
  EXPECT_EQ(Ts("IF(metric1, metric2, metric3)"), (Values{30, 0, 20, kNone, kNone}));
  EXPECT_EQ(Ts("IF(metric1, 5, metric3)"), (Values{5, 5, 20, kNone, kNone}));
  EXPECT_EQ(Ts("IF(metric1, metric2, 5)"), (Values{30, 0, 5, 5, kNone}));
  EXPECT_EQ(Ts("IF(metric1, metric2)"), (Values{30, 0, kNone, kNone, kNone}));
  EXPECT_EQ(Ts("IF(metric2 > 10, 1, 0)"), (Values{1, kNone, 0, 0, 1}));
  EXPECT_EQ(Ts("IF(1, metric2, metric3)"), (Values{30, kNone, 0, 0, 30}));
  EXPECT_EQ(Ts("IF(0, metric2, metric3)"), (Values{0, 0, 20, kNone, 20}));
  EXPECT_EQ(Ts("IF(0, metric2)"), (Values{kNone, kNone, kNone, kNone, kNone}));
  EXPECT_DOUBLE_EQ(Scalar("IF(2 > 1, 7, 8)"), 7);
  EXPECT_NE(EvalError("IF([metric1, metric2], 1, 0)").find("Argument 1 of IF must be"),
            std::string::npos);
}

TEST_F(MetricMathTest, FillWithAValueASeriesRepeatOrLinear) {
  Set("m1", Series({kNone, 2, kNone, kNone, 8}));
  Set("m2", Series({5, 6, 7, kNone, 9}));
  EXPECT_EQ(Ts("FILL(m1, 0)"), (Values{0, 2, 0, 0, 8}));
  EXPECT_EQ(Ts("FILL(m1, m2)"), (Values{5, 2, 7, kNone, 8}));
  EXPECT_EQ(Ts("FILL(m1, REPEAT)"), (Values{kNone, 2, 2, 2, 8}));
  EXPECT_EQ(Ts("FILL(m1, LINEAR)"), (Values{kNone, 2, 4, 6, 8}));
  EXPECT_EQ(Ts("FILL(m1, MIN(m2))"), (Values{5, 2, 5, 5, 8}));
  // A trailing gap: REPEAT carries on, LINEAR has nothing after it.
  Set("m3", Series({1, kNone, 3}));
  EXPECT_EQ(Ts("FILL(m3, REPEAT)"), (Values{1, 1, 3, 3, 3}));
  EXPECT_EQ(Ts("FILL(m3, LINEAR)"), (Values{1, 2, 3, kNone, kNone}));
  // An empty series is filled on the range's grid.
  Set("empty", TimeSeries{});
  EXPECT_EQ(Ts("FILL(empty, 1)"), (Values{1, 1, 1, 1, 1}));
  EXPECT_NE(EvalError("FILL(5, 0)").find("Argument 1 of FILL must be a time series"),
            std::string::npos);
}

TEST_F(MetricMathTest, FillOfAnArrayFillsEachMember) {
  Set("m1", Series({1, kNone}), MetricId{"NS", "A", {}});
  Set("m2", Series({kNone, 2}), MetricId{"NS", "B", {}});
  auto r = Eval("FILL(METRICS(), 0)");
  ASSERT_TRUE(r.ok());
  const auto& members = std::get<std::vector<MathSeries>>(r->value);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(ByMinute(members[0].series, 5), (Values{1, 0, 0, 0, 0}));
  EXPECT_EQ(ByMinute(members[1].series, 5), (Values{0, 2, 0, 0, 0}));
  EXPECT_EQ(members[0].label, "m1");
}

TEST_F(MetricMathTest, RateDiffAndRunningSum) {
  Set("m1", Series({10, 40, kNone, 100}));
  EXPECT_EQ(Ts("RATE(m1)"), (Values{kNone, 0.5, kNone, 0.5, kNone}));  // per second
  EXPECT_EQ(Ts("DIFF(m1)"), (Values{kNone, 30, kNone, 60, kNone}));
  EXPECT_EQ(Ts("RUNNING_SUM(m1)"), (Values{10, 50, kNone, 150, kNone}));
}

TEST_F(MetricMathTest, AggregatesOfASeriesAreScalars) {
  Set("m1", Series({1, 2, kNone, 6}));
  EXPECT_DOUBLE_EQ(Scalar("SUM(m1)"), 9);
  EXPECT_DOUBLE_EQ(Scalar("AVG(m1)"), 3);
  EXPECT_DOUBLE_EQ(Scalar("MAX(m1)"), 6);
  EXPECT_DOUBLE_EQ(Scalar("MIN(m1)"), 1);
  EXPECT_DOUBLE_EQ(Scalar("DATAPOINT_COUNT(m1)"), 3);
  EXPECT_DOUBLE_EQ(Scalar("STDDEV(m1)"), std::sqrt(14.0 / 3));
  EXPECT_EQ(Ts("m1 - AVG(m1)"), (Values{-2, -1, kNone, 3, kNone}));
  EXPECT_EQ(Ts("SUM([m1, m1]) / AVG(m1)"), (Values{2.0 / 3, 4.0 / 3, kNone, 4, kNone}));
  EXPECT_NE(EvalError("SUM(5)").find("Argument 1 of SUM must be"), std::string::npos);
}

TEST_F(MetricMathTest, AggregatesOfAnArrayArePerTimestamp) {
  Set("a", Series({1, 2, kNone, 4}));
  Set("b", Series({3, kNone, kNone, 8}));
  EXPECT_EQ(Ts("SUM([a, b])"), (Values{4, 2, kNone, 12, kNone}));
  EXPECT_EQ(Ts("AVG([a, b])"), (Values{2, 1, kNone, 6, kNone}));  // missing counts as 0
  EXPECT_EQ(Ts("MAX([a, b])"), (Values{3, 2, kNone, 8, kNone}));
  EXPECT_EQ(Ts("MIN([a, b])"), (Values{1, 2, kNone, 4, kNone}));
  EXPECT_EQ(Ts("DATAPOINT_COUNT([a, b])"), (Values{2, 1, kNone, 2, kNone}));
  EXPECT_EQ(Ts("SUM(100/[a, b])"), (Values{100 + 100.0 / 3, 50, kNone, 25 + 12.5, kNone}));
  EXPECT_EQ(Ts("SUM(-[a, b])"), (Values{-4, -2, kNone, -12, kNone}));
  EXPECT_EQ(Ts("AVG([a, b] / a)"), (Values{2, 0.5, kNone, 1.5, kNone}));
  EXPECT_DOUBLE_EQ(Scalar("METRIC_COUNT([a, b, a])"), 3);
  EXPECT_EQ(Ts("FIRST([b, a])"), (Values{3, kNone, kNone, 8, kNone}));
  EXPECT_EQ(Ts("LAST([b, a])"), (Values{1, 2, kNone, 4, kNone}));
  EXPECT_NE(EvalError("[a, b] + [a]").find("different sizes (2 and 1)"), std::string::npos);
  EXPECT_NE(EvalError("[a, 1]").find("An array holds time series, not a scalar"),
            std::string::npos);
}

TEST_F(MetricMathTest, MetricsFiltersMetricQueriesById) {
  Set("errors_4xx", Series({1}), MetricId{"NS", "A", {}});
  Set("errors_5xx", Series({2}), MetricId{"NS", "B", {}});
  Set("requests", Series({10}), MetricId{"NS", "C", {}});
  Set("e1", Series({100}));  // an expression: METRICS() leaves it out
  EXPECT_EQ(Ts("SUM(METRICS())", 1), (Values{13}));
  EXPECT_EQ(Ts("SUM(METRICS(\"errors\"))", 1), (Values{3}));
  EXPECT_EQ(Ts("SUM(METRICS(\"5xx\"))", 1), (Values{2}));
  EXPECT_EQ(Ts("SUM([METRICS(\xE2\x80\x9C"
               "4xx\xE2\x80\x9D), METRICS(\"5xx\")])",
               1),
            (Values{3}));
  EXPECT_DOUBLE_EQ(Scalar("METRIC_COUNT(METRICS(\"nope\"))"), 0);
  EXPECT_EQ(Ts("SUM(METRICS(\"nope\"))", 1), (Values{kNone}));
}

TEST_F(MetricMathTest, ElementwiseFunctions) {
  Set("m1", Series({-1.5, 2.5}));
  EXPECT_EQ(Ts("ABS(m1)", 2), (Values{1.5, 2.5}));
  EXPECT_EQ(Ts("CEIL(m1)", 2), (Values{-1, 3}));
  EXPECT_EQ(Ts("FLOOR(m1)", 2), (Values{-2, 2}));
  EXPECT_DOUBLE_EQ(Scalar("LOG10(1000)"), 3);
  EXPECT_DOUBLE_EQ(Scalar("ABS(-2)"), 2);
}

TEST_F(MetricMathTest, TimeSeriesAndPeriod) {
  Set("m1", Series({1}), MetricId{"NS", "A", {}});
  Set("e1", Series({1}));
  EXPECT_EQ(Ts("TIME_SERIES(7)"), (Values{7, 7, 7, 7, 7}));
  EXPECT_EQ(Ts("m1 / PERIOD(m1)", 1), (Values{1.0 / 60}));
  EXPECT_NE(EvalError("PERIOD(e1)").find("must be a metric"), std::string::npos);
  env_.period = Duration::Seconds(120);
  EXPECT_EQ(Ts("TIME_SERIES(7)"), (Values{7, kNone, 7, kNone, 7}));
}

TEST_F(MetricMathTest, ServiceQuotaNeedsAUsageMetric) {
  Set("m1", Series({3, kNone, 5}), MetricId{"AWS/Lambda", "ConcurrentExecutions", {}});
  Set("m2", Series({3}), MetricId{"AWS/Lambda", "Invocations", {}});
  EXPECT_EQ(Ts("SERVICE_QUOTA(m1)", 3), (Values{1000, kNone, 1000}));
  EXPECT_EQ(Ts("m1 / SERVICE_QUOTA(m1) * 100", 3),
            (Values{3.0 / 1000 * 100, kNone, 5.0 / 1000 * 100}));
  EXPECT_EQ(EvalError("SERVICE_QUOTA(m2)"),
            "SERVICE_QUOTA: the metric AWS/Lambda Invocations of m2 is not a usage metric with a "
            "service quota");
  EXPECT_NE(EvalError("SERVICE_QUOTA(m1 + 0)").find("not the result of an expression"),
            std::string::npos);
}

TEST_F(MetricMathTest, UnknownIdAtEvaluation) {
  EXPECT_EQ(EvalError("1 + nope"), "Unrecognized identifier nope at character 5");
}

TEST_F(MetricMathTest, ConstantSeriesCapsItsSize) {
  env_.period = Duration::Seconds(1);
  env_.end = kT0 + Duration::Hours(48);
  auto ts = ConstantSeries(1, env_);
  EXPECT_FALSE(ts.ok());
  env_.end = kT0 + Duration::Hours(24);
  ts = ConstantSeries(1, env_);
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->values.size(), 86'400u);
}

}  // namespace
}  // namespace hr::telemetry
