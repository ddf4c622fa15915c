// The dashboard's routing and its data and quota endpoints, on the server's real parts (engine,
// metric store, alarms, Service Quotas) with a hand-stepped clock.

#include "server/dashboard.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "server/clocks.h"
#include "server/scheduler.h"
#include "server/service_quotas.h"
#include "wire/service_model.h"

namespace hr::server {
namespace {

constexpr std::string_view kAccount = "123456789012";
constexpr std::string_view kRegion = "eu-west-1";

net::Request MakeRequest(boost::beast::http::verb verb, std::string_view target, std::string_view accept = "") {
  net::Request::Message m(verb, target, 11);
  if (!accept.empty()) m.set(boost::beast::http::field::accept, accept);
  return net::Request(std::move(m), {});
}

class DashboardTest : public ::testing::Test {
 protected:
  DashboardTest()
      : registry_(core::Tunables{}, clock_),
        telemetry_(telemetry::MetricStoreOptions{Duration::Hours(3), Duration::Hours(24), 1000}, true),
        scheduler_(clock_),
        quotas_(registry_, scheduler_, clock_, nullptr, write_mutex_, QuotaPolicy{}),
        quotas_rpc_(wire::ServiceQuotasModel(), "servicequotas",
                    {"application/x-amz-json-1.1", false, "Message", "ValidationException"}, nullptr, write_mutex_,
                    quotas_.Operations()),
        dashboard_(DashboardContext{registry_, telemetry_, alarms_, quotas_rpc_, clock_, "000000000000", "us-east-1"}) {
    // At the start of a minute, so that a test's samples share one 1-minute period.
    const std::int64_t minute = Duration::Minutes(1).nanos();
    clock_.Advance(Duration::Nanos(minute - clock_.Now().unix_nanos() % minute));
  }
  ~DashboardTest() override { scheduler_.Stop(); }  // no quota timer outlives the quotas

  boost::json::object Data(std::string_view query, unsigned expected_status = 200) {
    net::Response r = dashboard_.HandleApi("GET", "/_headroom/dashboard/data", query, "");
    EXPECT_EQ(r.status, expected_status) << r.body;
    return boost::json::parse(r.body).as_object();
  }

  SteppedClock clock_;
  AccountRegistry registry_;
  Telemetry telemetry_;
  AlarmRegistry alarms_;
  std::mutex write_mutex_;
  Scheduler scheduler_;
  ServiceQuotas quotas_;
  RpcService quotas_rpc_;
  Dashboard dashboard_;
};

TEST_F(DashboardTest, ServesThePageToBrowsersAndLeavesEverythingElse) {
  using boost::beast::http::verb;
  auto page = dashboard_.ServeAsset(MakeRequest(verb::get, "/_headroom/dashboard"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200u);
  EXPECT_EQ(page->headers[0].value, "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  EXPECT_TRUE(dashboard_.ServeAsset(MakeRequest(verb::get, "/_headroom/dashboard/")));
  EXPECT_TRUE(dashboard_.ServeAsset(MakeRequest(verb::get, "/", "text/html,application/xhtml+xml")));
  EXPECT_EQ(dashboard_.ServeAsset(MakeRequest(verb::get, "/_headroom/dashboard/assets/nothing.js"))->status, 404u);

  // The AWS routes and the token-guarded endpoints are not the page's.
  EXPECT_FALSE(dashboard_.ServeAsset(MakeRequest(verb::get, "/")));
  EXPECT_FALSE(dashboard_.ServeAsset(MakeRequest(verb::post, "/", "text/html")));
  EXPECT_FALSE(dashboard_.ServeAsset(MakeRequest(verb::get, "/?Action=ListTopics", "text/html")));
  EXPECT_FALSE(dashboard_.ServeAsset(MakeRequest(verb::get, "/_headroom/dashboard/data")));
  EXPECT_FALSE(dashboard_.ServeAsset(MakeRequest(verb::get, "/2015-03-31/functions/", "text/html")));
}

TEST_F(DashboardTest, RefusesABadWindowAndAnUnknownAccount) {
  EXPECT_EQ(Data("window=5", 400).at("message"), "window must be 900, 3600 or 86400 (seconds)");
  EXPECT_EQ(Data("account=999999999999", 404).at("message"), "no such account and Region on this server");
  EXPECT_EQ(dashboard_.HandleApi("GET", "/_headroom/dashboard/nothing", "", "").status, 404u);
}

TEST_F(DashboardTest, ShowsTheEngineAndTheMetricStore) {
  const Timestamp t0 = clock_.Now();
  std::uint32_t owner = 0;
  registry_.With(kAccount, kRegion, [&](engine::Account& a) {
    owner = a.index();
    ASSERT_TRUE(a.CreateFunction("idle", t0).ok());
    ASSERT_TRUE(a.PutFunctionConcurrency("idle", 300, t0).ok());
    ASSERT_TRUE(a.CreateFunction("busy", t0).ok());
  });
  telemetry::InvocationLabels busy;
  busy.function = "busy";
  busy.executed_version = "$LATEST";
  telemetry_.Record([&](telemetry::LambdaMetrics& m) {
    for (int i = 1; i <= 3; ++i) m.Started(owner, busy, false, false, {i, 300 + i, 1000}, t0);
    m.Finished(owner, busy, false, Duration::Millis(5), true, {2, 302, 1000}, t0 + Duration::Seconds(1));
    m.Throttled(owner, busy, t0 + Duration::Seconds(1));
  });
  clock_.Advance(Duration::Seconds(2));

  const boost::json::object d = Data("account=123456789012&region=eu-west-1&window=3600");
  EXPECT_EQ(d.at("account").as_string(), kAccount);
  EXPECT_EQ(d.at("region").as_string(), kRegion);
  EXPECT_EQ(d.at("period"), 60);
  EXPECT_EQ(d.at("settings").at("limit"), 1000);
  EXPECT_EQ(d.at("settings").at("allocated"), 300);
  EXPECT_EQ(d.at("current").at("claimed").to_number<double>(), 302);
  EXPECT_EQ(d.at("current").at("quota").to_number<double>(), 1000);
  EXPECT_EQ(d.at("totals").at("errors").to_number<double>(), 1);
  EXPECT_EQ(d.at("totals").at("throttles").to_number<double>(), 1);
  const auto& trend = d.at("trend").at("utilisation").at("v").as_array();
  ASSERT_FALSE(trend.empty());
  EXPECT_DOUBLE_EQ(trend.back().to_number<double>(), 30.3);

  const auto& functions = d.at("functions").as_array();
  ASSERT_EQ(functions.size(), 2u);
  EXPECT_EQ(functions[0].at("name"), "busy");
  EXPECT_EQ(functions[0].at("peak").to_number<double>(), 3);
  EXPECT_EQ(functions[0].at("invocations").to_number<double>(), 1);
  EXPECT_TRUE(functions[0].at("reserved").is_null());
  EXPECT_EQ(functions[1].at("name"), "idle");
  EXPECT_EQ(functions[1].at("reserved"), 300);
  EXPECT_EQ(functions[1].at("peak").to_number<double>(), 0);
}

TEST_F(DashboardTest, RequestsAQuotaIncreaseAsTheApiDoes) {
  registry_.With(kAccount, kRegion, [](engine::Account&) {});
  const std::string_view query = "account=123456789012&region=eu-west-1";
  net::Response r = dashboard_.HandleApi("POST", "/_headroom/dashboard/quota", query,
                                         R"({"ServiceCode":"lambda","QuotaCode":"L-B99A9384","DesiredValue":2000})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).at("RequestedQuota").at("Status"), "PENDING");

  // The API's own error for a second open request.
  r = dashboard_.HandleApi("POST", "/_headroom/dashboard/quota", query,
                           R"({"ServiceCode":"lambda","QuotaCode":"L-B99A9384","DesiredValue":3000})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(boost::json::parse(r.body).at("__type"), "ResourceAlreadyExistsException");

  const boost::json::object d = Data(query);
  const auto& requests = d.at("requests").as_array();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].at("DesiredValue").to_number<double>(), 2000);
  EXPECT_EQ(requests[0].at("Status"), "PENDING");
}

}  // namespace
}  // namespace hr::server
