#include "wire/rest_router.h"

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

// Counts allocations while a test asks, to pin "no allocation on the success path".
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

// Every unaligned form is replaced. Not under AddressSanitizer, which owns the allocator
// (the allocation tests skip there; the Release build checks them).
#ifndef __SANITIZE_ADDRESS__
namespace {
void* CountedAlloc(std::size_t size) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace
void* operator new(std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif  // __SANITIZE_ADDRESS__

namespace hr::wire {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

Params ToParams(std::span<const RequestParam> params) {
  Params out;
  for (const RequestParam& p : params) out.emplace_back(p.name, p.value);
  return out;
}

const RestRouter& Lambda() {
  static const RestRouter router(LambdaModel());
  return router;
}

constexpr char kArn[] = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af";
constexpr char kArnDecoded[] = "arn:aws:lambda:us-east-1:000000000000:function:f";

struct Case {
  const char* method;
  std::string target;
  const char* operation;
  Params labels;
  Params query;
};

// Every operation of spec §1.2, as botocore sends it (labels encoded with safe chars "-._~").
std::vector<Case> SpecCases() {
  const std::string fn = std::string("/functions/") + kArn;
  return {
      {"PUT", "/2017-10-31" + fn + "/concurrency", "PutFunctionConcurrency",
       {{"FunctionName", kArnDecoded}}, {}},
      {"GET", "/2019-09-30/functions/my-function/concurrency", "GetFunctionConcurrency",
       {{"FunctionName", "my-function"}}, {}},
      {"DELETE", "/2017-10-31/functions/my-function/concurrency", "DeleteFunctionConcurrency",
       {{"FunctionName", "my-function"}}, {}},
      {"PUT", "/2019-09-30" + fn + "/provisioned-concurrency?Qualifier=live",
       "PutProvisionedConcurrencyConfig", {{"FunctionName", kArnDecoded}},
       {{"Qualifier", "live"}}},
      {"GET", "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=1",
       "GetProvisionedConcurrencyConfig", {{"FunctionName", "f"}}, {{"Qualifier", "1"}}},
      {"GET", "/2019-09-30/functions/f/provisioned-concurrency?List=ALL&MaxItems=2&Marker=abc",
       "ListProvisionedConcurrencyConfigs", {{"FunctionName", "f"}},
       {{"List", "ALL"}, {"MaxItems", "2"}, {"Marker", "abc"}}},
      {"DELETE", "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=live",
       "DeleteProvisionedConcurrencyConfig", {{"FunctionName", "f"}}, {{"Qualifier", "live"}}},
      {"GET", "/2016-08-19/account-settings", "GetAccountSettings", {}, {}},
      {"GET", "/2016-08-19/account-settings/", "GetAccountSettings", {}, {}},
      {"POST", "/2015-03-31/functions", "CreateFunction", {}, {}},
      {"GET", "/2015-03-31/functions/f?Qualifier=%24LATEST", "GetFunction",
       {{"FunctionName", "f"}}, {{"Qualifier", "$LATEST"}}},
      {"GET", "/2015-03-31/functions/?FunctionVersion=ALL&MaxItems=50", "ListFunctions", {},
       {{"FunctionVersion", "ALL"}, {"MaxItems", "50"}}},
      {"DELETE", "/2015-03-31/functions/f%3A1?Qualifier=1", "DeleteFunction",
       {{"FunctionName", "f:1"}}, {{"Qualifier", "1"}}},
      {"POST", "/2015-03-31/functions/f/versions", "PublishVersion", {{"FunctionName", "f"}}, {}},
      {"POST", "/2015-03-31/functions/f/aliases", "CreateAlias", {{"FunctionName", "f"}}, {}},
      {"POST", "/2015-03-31" + fn + "/invocations?Qualifier=%24LATEST", "Invoke",
       {{"FunctionName", kArnDecoded}}, {{"Qualifier", "$LATEST"}}},
      {"PUT", "/2019-09-25/functions/f/event-invoke-config?Qualifier=%24LATEST",
       "PutFunctionEventInvokeConfig", {{"FunctionName", "f"}}, {{"Qualifier", "$LATEST"}}},
      {"POST", "/2015-03-31/functions/f/policy?Qualifier=live", "AddPermission",
       {{"FunctionName", "f"}}, {{"Qualifier", "live"}}},
  };
}

TEST(RestRouterTest, RoutesEverySpecOperationFromBotocoreUrls) {
  RouteMatch match;
  for (const Case& c : SpecCases()) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target);
    ASSERT_EQ(Lambda().Route(c.method, c.target, &match), RouteStatus::kOk);
    ASSERT_NE(match.operation(), nullptr);
    EXPECT_EQ(match.operation()->name, c.operation);
    EXPECT_EQ(ToParams(match.labels()), c.labels);
    EXPECT_EQ(ToParams(match.query()), c.query);
  }
}

// Every operation of the model, from its own template: each label becomes an encoded ARN-like
// value and the literal query is sent as is. Pins that no two templates shadow each other.
TEST(RestRouterTest, RoutesEveryModelOperationFromItsTemplate) {
  RouteMatch match;
  for (const Operation& op : LambdaModel().operations) {
    std::string target;
    std::string_view uri = op.request_uri;
    for (std::size_t i = 0; i < uri.size(); ++i) {
      if (uri[i] == '{') {
        const std::size_t close = uri.find('}', i);
        target += "x%3Ay%24z";
        i = close;
      } else {
        target += uri[i];
      }
    }
    SCOPED_TRACE(std::string(op.method) + " " + target);
    ASSERT_EQ(Lambda().Route(op.method, target, &match), RouteStatus::kOk);
    EXPECT_EQ(match.operation(), &op);
    for (const RequestParam& label : match.labels()) EXPECT_EQ(label.value, "x:y$z");
  }
}

TEST(RestRouterTest, ListAndGetProvisionedConcurrencyShareAPath) {
  RouteMatch match;
  const std::string path = "/2019-09-30/functions/f/provisioned-concurrency";
  ASSERT_EQ(Lambda().Route("GET", path + "?List=ALL", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "ListProvisionedConcurrencyConfigs");
  // Anywhere in the query, and percent-encoded, it still counts.
  ASSERT_EQ(Lambda().Route("GET", path + "?Marker=m&%4Cist=AL%4C", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "ListProvisionedConcurrencyConfigs");
  ASSERT_EQ(Lambda().Route("GET", path + "?Qualifier=1", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "GetProvisionedConcurrencyConfig");
  // Another value of List is no literal match: Get, with List as an ordinary parameter.
  ASSERT_EQ(Lambda().Route("GET", path + "?List=NONE", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "GetProvisionedConcurrencyConfig");
  // Only GET has a List route; PUT and DELETE ignore the extra parameter.
  ASSERT_EQ(Lambda().Route("PUT", path + "?List=ALL&Qualifier=1", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "PutProvisionedConcurrencyConfig");

  // The same mechanism on another path: ListLayers vs GetLayerVersionByArn (?find=LayerVersion).
  ASSERT_EQ(Lambda().Route("GET", "/2018-10-31/layers?find=LayerVersion&Arn=a", &match),
            RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "GetLayerVersionByArn");
  ASSERT_EQ(Lambda().Route("GET", "/2018-10-31/layers", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "ListLayers");
}

TEST(RestRouterTest, TrailingSlash) {
  RouteMatch match;
  for (const char* target : {"/2016-08-19/account-settings", "/2016-08-19/account-settings/",
                             "/2016-08-19/account-settings/?x=1"}) {
    SCOPED_TRACE(target);
    ASSERT_EQ(Lambda().Route("GET", target, &match), RouteStatus::kOk);
    EXPECT_EQ(match.operation()->name, "GetAccountSettings");
  }
  // Only one slash is forgiven, and the retry keeps the method check.
  EXPECT_EQ(Lambda().Route("GET", "/2016-08-19/account-settings//", &match),
            RouteStatus::kNoRoute);
  EXPECT_EQ(Lambda().Route("DELETE", "/2016-08-19/account-settings/", &match),
            RouteStatus::kWrongMethod);
  ASSERT_EQ(Lambda().Route("POST", "/2015-03-31/functions/f/invocations/", &match),
            RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "Invoke");
}

TEST(RestRouterTest, BadPercentEncoding) {
  RouteMatch match;
  for (const char* target : {"/2015-03-31/functions/f%ZZ/invocations",
                             "/2015-03-31/functions/f%4/invocations",
                             "/2015-03-31/functions/f/invocations?Qualifier=%",
                             "/2015-03-31/functions/f/invocations?Qualifier=%2",
                             "/2015-03-31/functions/f/invocations?Q%g1=1",
                             "/no/such/route%zz"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(Lambda().Route("POST", target, &match), RouteStatus::kBadEncoding);
    EXPECT_EQ(match.operation(), nullptr);
  }
  // Well-formed escapes of any byte are fine, including '%' itself and lower-case hex.
  ASSERT_EQ(Lambda().Route("POST", "/2015-03-31/functions/f%25%3a/invocations", &match),
            RouteStatus::kOk);
  EXPECT_EQ(match.Label("FunctionName"), "f%:");
}

TEST(RestRouterTest, UnknownRoute) {
  RouteMatch match;
  for (const char* target : {"/", "", "*", "2015-03-31/functions", "/2015-03-31/nothing",
                             "/2099-01-01/functions", "/2015-03-31/functions/f/nothing",
                             "/2015-03-31/functions//invocations",  // an empty label
                             "/2015-03-31/functions/a/b/invocations",
                             "/2016-08-19/account-settings/extra"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(Lambda().Route("POST", target, &match), RouteStatus::kNoRoute);
    EXPECT_EQ(match.operation(), nullptr);
  }
}

TEST(RestRouterTest, WrongMethod) {
  RouteMatch match;
  EXPECT_EQ(Lambda().Route("GET", "/2015-03-31/functions/f/invocations", &match),
            RouteStatus::kWrongMethod);
  EXPECT_EQ(Lambda().Route("PATCH", "/2017-10-31/functions/f/concurrency", &match),
            RouteStatus::kWrongMethod);
  EXPECT_EQ(Lambda().Route("POST", "/2016-08-19/account-settings", &match),
            RouteStatus::kWrongMethod);
  EXPECT_EQ(Lambda().Route("post", "/2015-03-31/functions/f/invocations", &match),
            RouteStatus::kWrongMethod);
  EXPECT_EQ(match.operation(), nullptr);
  // GetFunctionConcurrency lives under another date than Put/Delete: PUT on its path is wrong.
  EXPECT_EQ(Lambda().Route("PUT", "/2019-09-30/functions/f/concurrency", &match),
            RouteStatus::kWrongMethod);
}

TEST(RestRouterTest, QueryDecoding) {
  RouteMatch match;
  ASSERT_EQ(Lambda().Route("GET",
                           "/2015-03-31/functions?A=1&&A=2&Flag&B=x+y%20z%2B&=v&C=a=b&%41%2b=%26",
                           &match),
            RouteStatus::kOk);
  EXPECT_EQ(ToParams(match.query()), (Params{{"A", "1"},
                                             {"A", "2"},
                                             {"Flag", ""},
                                             {"B", "x y z+"},
                                             {"", "v"},
                                             {"C", "a=b"},
                                             {"A+", "&"}}));
  EXPECT_EQ(match.QueryValue("A"), "1");
  EXPECT_EQ(match.QueryValue("Flag"), "");
  EXPECT_EQ(match.QueryValue("Missing"), std::nullopt);
  // In the path '+' is a plus.
  ASSERT_EQ(Lambda().Route("GET", "/2015-03-31/functions/a+b", &match), RouteStatus::kOk);
  EXPECT_EQ(match.Label("FunctionName"), "a+b");
  EXPECT_EQ(match.Label("Nope"), std::nullopt);
}

TEST(RestRouterTest, TwoLabels) {
  RouteMatch match;
  ASSERT_EQ(Lambda().Route("DELETE", "/2015-03-31/functions/f/aliases/live", &match),
            RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "DeleteAlias");
  EXPECT_EQ(ToParams(match.labels()), (Params{{"FunctionName", "f"}, {"Name", "live"}}));
  // A literal beats a label: ".../event-invoke-config/list" is the List operation.
  ASSERT_EQ(Lambda().Route("GET", "/2019-09-25/functions/f/event-invoke-config/list", &match),
            RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "ListFunctionEventInvokeConfigs");
}

// A model of our own, for what Lambda's lacks: greedy labels, a bare literal query, a label as
// the first segment, and the root path.
constexpr Operation kToyOperations[] = {
    {"GetBucketAcl", "GET", "/{Bucket}?acl", 200, kNone, kNone, ""},
    {"GetObject", "GET", "/{Bucket}/{Key+}", 200, kNone, kNone, ""},
    {"ListBuckets", "GET", "/", 200, kNone, kNone, ""},
    {"ListObjects", "GET", "/{Bucket}", 200, kNone, kNone, ""},
    {"PutLiteral", "PUT", "/static/thing/", 200, kNone, kNone, ""},
};

ServiceModel ToyModel() {
  ServiceModel model;
  model.name = "toy";
  model.protocol = "rest-xml";
  model.operations = kToyOperations;
  return model;
}

TEST(RestRouterTest, GreedyLabelsAndBareQueryLiterals) {
  static const ServiceModel model = ToyModel();
  const RestRouter router(model);
  RouteMatch match;

  ASSERT_EQ(router.Route("GET", "/b/dir/sub%2Fdir/file.txt", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "GetObject");
  EXPECT_EQ(ToParams(match.labels()), (Params{{"Bucket", "b"}, {"Key", "dir/sub/dir/file.txt"}}));
  ASSERT_EQ(router.Route("GET", "/b/k", &match), RouteStatus::kOk);
  EXPECT_EQ(match.Label("Key"), "k");

  ASSERT_EQ(router.Route("GET", "/b", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "ListObjects");
  ASSERT_EQ(router.Route("GET", "/b?acl", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "GetBucketAcl");
  ASSERT_EQ(router.Route("GET", "/b?acl=anything", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "GetBucketAcl");
  ASSERT_EQ(router.Route("GET", "/", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "ListBuckets");
  // A literal first segment beats a label there; a template's trailing slash is optional.
  ASSERT_EQ(router.Route("PUT", "/static/thing", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "PutLiteral");
  ASSERT_EQ(router.Route("PUT", "/static/thing/", &match), RouteStatus::kOk);
  EXPECT_EQ(match.operation()->name, "PutLiteral");
  EXPECT_EQ(router.Route("GET", "/static/thing", &match), RouteStatus::kOk);  // GetObject
  EXPECT_EQ(match.operation()->name, "GetObject");
  EXPECT_EQ(router.Route("PUT", "/b/k", &match), RouteStatus::kWrongMethod);
}

TEST(RestRouterTest, DecodedViewsStayValidTogether) {
  RouteMatch match;
  std::string target = std::string("/2015-03-31/functions/") + kArn +
                       "/invocations?Qualifier=%24LATEST&A=%41&B=%42";
  ASSERT_EQ(Lambda().Route("POST", target, &match), RouteStatus::kOk);
  EXPECT_EQ(match.Label("FunctionName"), kArnDecoded);
  EXPECT_EQ(ToParams(match.query()),
            (Params{{"Qualifier", "$LATEST"}, {"A", "A"}, {"B", "B"}}));
}

TEST(RestRouterTest, ReusedMatchDoesNotAllocate) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "allocation counting needs the default allocator; the Release build checks it";
#endif
  RouteMatch match;
  const std::string target = std::string("/2015-03-31/functions/") + kArn +
                             "/invocations?Qualifier=%24LATEST";
  ASSERT_EQ(Lambda().Route("POST", target, &match), RouteStatus::kOk);  // warm up
  g_allocations = 0;
  g_counting = true;
  RouteStatus status = RouteStatus::kNoRoute;
  for (int i = 0; i < 100; ++i) status = Lambda().Route("POST", target, &match);
  g_counting = false;
  EXPECT_EQ(status, RouteStatus::kOk);
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(match.Label("FunctionName"), kArnDecoded);

  // The counter does count: a fresh match has to grow its buffers.
  g_counting = true;
  {
    RouteMatch fresh;
    status = Lambda().Route("POST", target, &fresh);
  }
  g_counting = false;
  EXPECT_EQ(status, RouteStatus::kOk);
  EXPECT_GT(g_allocations.load(), 0);
}

TEST(RestRouterTest, RouteStatusNames) {
  EXPECT_EQ(RouteStatusName(RouteStatus::kOk), "Ok");
  EXPECT_EQ(RouteStatusName(RouteStatus::kNoRoute), "NoRoute");
  EXPECT_EQ(RouteStatusName(RouteStatus::kWrongMethod), "WrongMethod");
  EXPECT_EQ(RouteStatusName(RouteStatus::kBadEncoding), "BadEncoding");
}

}  // namespace
}  // namespace hr::wire
