#include "server/service_quotas.h"

#include <algorithm>
#include <cmath>

#include "base/iso_time.h"
#include "server/base64.h"
#include "server/json_input.h"

namespace hr::server {
namespace {

constexpr std::string_view kLambda = "lambda";
constexpr std::string_view kLambdaName = "AWS Lambda";
constexpr std::string_view kConcurrencyCode = "L-B99A9384";

struct QuotaInfo {
  std::string_view code;
  std::string_view name;
  double default_value;
  std::string_view unit;
  bool adjustable;
  std::string_view usage_metric;  // AWS/Lambda metric, empty when none
};

// The Lambda quotas headroom lists, with AWS's default values. Concurrent executions is the
// one headroom enforces; the others are listed so that automation that reads them finds them.
constexpr QuotaInfo kQuotas[] = {
    {"L-2ACBD22F", "Function and layer storage", 75, "Gigabytes", true, ""},
    {"L-9FEE3D26", "Elastic network interfaces per VPC", 500, "None", true, ""},
    {"L-B99A9384", "Concurrent executions", 1000, "None", true, "ConcurrentExecutions"},
};

const QuotaInfo* FindQuota(std::string_view code) {
  for (const QuotaInfo& q : kQuotas) {
    if (q.code == code) return &q;
  }
  return nullptr;
}

bool IsOpen(const std::string& status) { return status == "PENDING" || status == "CASE_OPENED"; }

RpcReply NoSuchService() {
  return RpcReply::Fail("NoSuchResourceException", "The request failed because the specified service does not exist.");
}

RpcReply NoSuchQuota(std::string_view code) {
  return RpcReply::Fail("NoSuchResourceException",
                        "The request failed because the specified quota does not exist. Quota code: " +
                            std::string(code));
}

std::string QuotaArn(std::string_view region, std::string_view account, std::string_view code) {
  return "arn:aws:servicequotas:" + std::string(region) + ":" + std::string(account) + ":lambda/" +
         std::string(code);
}

// NextToken: the offset, base64 (the model's pattern is base64's alphabet).
std::string Token(std::size_t offset) { return EncodeBase64(std::to_string(offset)); }
std::optional<std::size_t> ReadToken(const std::string& token) {
  auto text = DecodeBase64(token);
  if (!text || text->empty() || text->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return static_cast<std::size_t>(std::stoull(*text));
}

// Which slice a List call asks for: MaxResults (default 100) from the NextToken's offset;
// nullopt when the token is not one of ours.
struct Page {
  std::size_t offset = 0;
  std::size_t max = 100;
};
std::optional<Page> PageOf(const boost::json::object& input) {
  Page page;
  page.max = static_cast<std::size_t>(NumberOf(input, "MaxResults").value_or(100));
  if (std::string token = StringOr(input, "NextToken"); !token.empty()) {
    auto offset = ReadToken(token);
    if (!offset) return std::nullopt;
    page.offset = *offset;
  }
  return page;
}

}  // namespace

std::vector<RpcOperation> ServiceQuotas::Operations() {
  return {
      {"GetAWSDefaultServiceQuota", false, [this](const RpcCall& c) { return GetServiceQuota(c, true); }},
      {"GetRequestedServiceQuotaChange", false, [this](const RpcCall& c) { return GetRequestedChange(c); }},
      {"GetServiceQuota", false, [this](const RpcCall& c) { return GetServiceQuota(c, false); }},
      {"ListAWSDefaultServiceQuotas", false, [this](const RpcCall& c) { return ListServiceQuotas(c, true); }},
      {"ListRequestedServiceQuotaChangeHistory", false, [this](const RpcCall& c) { return ListHistory(c, false); }},
      {"ListRequestedServiceQuotaChangeHistoryByQuota", false,
       [this](const RpcCall& c) { return ListHistory(c, true); }},
      {"ListServiceQuotas", false, [this](const RpcCall& c) { return ListServiceQuotas(c, false); }},
      {"ListServices", false, [this](const RpcCall& c) { return ListServices(c); }},
      {"RequestServiceQuotaIncrease", true, [this](const RpcCall& c) { return RequestIncrease(c); }},
  };
}

double ServiceQuotas::Applied(const std::string& account, const std::string& region, const std::string& code) {
  if (code == kConcurrencyCode) {
    return registry_.With(account, region, [](engine::Account& a) { return static_cast<double>(a.Pool().limit); });
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = applied_.find({account, region, code});
  return it != applied_.end() ? it->second : FindQuota(code)->default_value;
}

namespace {

boost::json::object RenderQuota(const QuotaInfo& q, std::string_view account, std::string_view region, double value) {
  boost::json::object o{{"ServiceCode", kLambda},
                        {"ServiceName", kLambdaName},
                        {"QuotaArn", QuotaArn(region, account, q.code)},
                        {"QuotaCode", q.code},
                        {"QuotaName", q.name},
                        {"Value", value},
                        {"Unit", q.unit},
                        {"Adjustable", q.adjustable},
                        {"GlobalQuota", false},
                        {"QuotaAppliedAtLevel", "ACCOUNT"}};
  if (!q.usage_metric.empty()) {
    o["UsageMetric"] = boost::json::object{{"MetricNamespace", "AWS/Lambda"},
                                           {"MetricName", q.usage_metric},
                                           {"MetricDimensions", boost::json::object()},
                                           {"MetricStatisticRecommendation", "Maximum"}};
  }
  return o;
}

}  // namespace

RpcReply ServiceQuotas::GetServiceQuota(const RpcCall& call, bool defaults) {
  const std::string service = StringOr(call.input, "ServiceCode");
  const std::string code = StringOr(call.input, "QuotaCode");
  if (service != kLambda) return NoSuchService();
  const QuotaInfo* q = FindQuota(code);
  if (!q) return NoSuchQuota(code);
  const double value = defaults ? q->default_value : Applied(std::string(call.account), std::string(call.region), code);
  RpcReply r;
  r.output["Quota"] = RenderQuota(*q, call.account, call.region, value);
  return r;
}

RpcReply ServiceQuotas::ListServiceQuotas(const RpcCall& call, bool defaults) {
  const std::string service = StringOr(call.input, "ServiceCode");
  if (service != kLambda) return NoSuchService();
  const std::optional<Page> page = PageOf(call.input);
  if (!page) return RpcReply::Fail("InvalidPaginationTokenException", "Invalid pagination token.");
  const auto [offset, max] = *page;
  boost::json::array quotas;
  const std::size_t count = std::size(kQuotas);
  for (std::size_t i = offset; i < count && i < offset + max; ++i) {
    const QuotaInfo& q = kQuotas[i];
    const double value =
        defaults ? q.default_value : Applied(std::string(call.account), std::string(call.region), std::string(q.code));
    quotas.push_back(RenderQuota(q, call.account, call.region, value));
  }
  RpcReply r;
  r.output["Quotas"] = std::move(quotas);
  if (offset + max < count) r.output["NextToken"] = Token(offset + max);
  return r;
}

RpcReply ServiceQuotas::ListServices(const RpcCall&) {
  RpcReply r;
  r.output["Services"] = boost::json::array{boost::json::object{{"ServiceCode", kLambda}, {"ServiceName", kLambdaName}}};
  return r;
}

boost::json::object ServiceQuotas::RenderRequest(const Request& r) const {
  const QuotaInfo* q = FindQuota(r.quota_code);
  boost::json::object o{{"Id", r.id},
                        {"RequestType", "AutomaticManagement"},
                        {"ServiceCode", kLambda},
                        {"ServiceName", kLambdaName},
                        {"QuotaCode", r.quota_code},
                        {"QuotaName", q ? q->name : ""},
                        {"DesiredValue", r.desired},
                        {"Status", r.status},
                        {"Created", EpochSeconds(r.created)},
                        {"LastUpdated", EpochSeconds(r.last_updated)},
                        {"Requester", "{\"accountId\":\"" + r.account + "\",\"callerArn\":\"arn:aws:iam::" + r.account + ":root\"}"},
                        {"QuotaArn", QuotaArn(r.region, r.account, r.quota_code)},
                        {"GlobalQuota", false},
                        {"Unit", q ? q->unit : "None"},
                        {"QuotaRequestedAtLevel", "ACCOUNT"}};
  if (!r.case_id.empty()) o["CaseId"] = r.case_id;
  return o;
}

RpcReply ServiceQuotas::RequestIncrease(const RpcCall& call) {
  const std::string service = StringOr(call.input, "ServiceCode");
  const std::string code = StringOr(call.input, "QuotaCode");
  if (service != kLambda) return NoSuchService();
  const QuotaInfo* q = FindQuota(code);
  if (!q) return NoSuchQuota(code);
  const std::string account(call.account), region(call.region);
  const double desired = NumberOf(call.input, "DesiredValue").value_or(0);
  const double current = Applied(account, region, code);
  if (!(desired > current)) {
    return RpcReply::Fail("IllegalArgumentException", "You must provide a quota value greater than the current quota value");
  }
  if (code == kConcurrencyCode && desired != std::floor(desired)) {
    return RpcReply::Fail("IllegalArgumentException", "The requested value must be a whole number for this quota.");
  }
  const bool case_allowed = BoolOf(call.input, "SupportCaseAllowed").value_or(true);
  Request r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Request& existing : requests_) {
      if (existing.account == account && existing.region == region && existing.quota_code == code &&
          IsOpen(existing.status)) {
        return RpcReply::Fail("ResourceAlreadyExistsException",
                              "Only one open service quota increase request is allowed per quota.");
      }
    }
    std::string id = call.ids.Next();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    r.id = id;
    r.account = account;
    r.region = region;
    r.quota_code = code;
    r.desired = desired;
    r.created = r.last_updated = call.now;
    // A case would be needed unless the policy approves this request by itself.
    const bool automatic = policy_.approval == "auto" || (policy_.approval == "ceiling" && desired <= policy_.ceiling);
    r.status = !case_allowed && !automatic ? "NOT_APPROVED" : "PENDING";
    r.case_allowed = case_allowed;
    requests_.push_back(r);
  }
  if (!call.replay) Arm(r);
  RpcReply reply;
  reply.output["RequestedQuota"] = RenderRequest(r);
  return reply;
}

RpcReply ServiceQuotas::GetRequestedChange(const RpcCall& call) {
  const std::string id = StringOr(call.input, "RequestId");
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Request& r : requests_) {
    if (r.id == id && r.account == call.account && r.region == call.region) {
      RpcReply reply;
      reply.output["RequestedQuota"] = RenderRequest(r);
      return reply;
    }
  }
  return RpcReply::Fail("NoSuchResourceException", "The request failed because the specified request does not exist.");
}

RpcReply ServiceQuotas::ListHistory(const RpcCall& call, bool by_quota) {
  const std::string service = StringOr(call.input, "ServiceCode");
  const std::string code = StringOr(call.input, "QuotaCode");
  if ((by_quota || !service.empty()) && service != kLambda) return NoSuchService();
  if (by_quota && !FindQuota(code)) return NoSuchQuota(code);
  const std::string status = StringOr(call.input, "Status");
  const std::optional<Page> page = PageOf(call.input);
  if (!page) return RpcReply::Fail("InvalidPaginationTokenException", "Invalid pagination token.");
  const auto [offset, max] = *page;
  std::vector<boost::json::object> matching;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {  // newest first
      const Request& r = *it;
      if (r.account != call.account || r.region != call.region) continue;
      if (by_quota && r.quota_code != code) continue;
      if (!status.empty() && r.status != status) continue;
      matching.push_back(RenderRequest(r));
    }
  }
  boost::json::array requested;
  for (std::size_t i = offset; i < matching.size() && i < offset + max; ++i) requested.push_back(std::move(matching[i]));
  RpcReply reply;
  reply.output["RequestedQuotas"] = std::move(requested);
  if (offset + max < matching.size()) reply.output["NextToken"] = Token(offset + max);
  return reply;
}

void ServiceQuotas::Arm(const Request& r) {
  const std::string decision =
      policy_.approval == "deny" || (policy_.approval == "ceiling" && r.desired > policy_.ceiling) ? "DENIED"
                                                                                                  : "APPROVED";
  std::string next;
  Timestamp at = r.last_updated;
  if (r.status == "PENDING" && !r.case_allowed) {
    // Only a request the policy approves by itself is open without a case: no case opens.
    next = decision;
    at = at + policy_.approval_delay;
  } else if (r.status == "PENDING") {
    next = "CASE_OPENED";
    at = at + policy_.case_delay;
  } else if (r.status == "CASE_OPENED" && policy_.approval != "manual") {
    next = decision;
    at = at + policy_.approval_delay;
  } else {
    return;
  }
  // Each step is stamped with the time it was due, so that a clock moved on in one jump
  // still shows the lifecycle's own times.
  scheduler_.At(std::max(at, clock_.Now()), [this, id = r.id, from = r.status, next, at] {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = std::find_if(requests_.begin(), requests_.end(), [&](const Request& q) { return q.id == id; });
      if (it == requests_.end() || it->status != from) return;  // decided meanwhile
    }
    SetStatus(id, next, at, false);
  });
}

void ServiceQuotas::SetStatus(const std::string& id, const std::string& status, Timestamp now, bool replay) {
  Request r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(requests_.begin(), requests_.end(), [&](const Request& q) { return q.id == id; });
    if (it == requests_.end()) return;
    it->status = status;
    it->last_updated = now;
    if (status == "CASE_OPENED" && it->case_id.empty()) {
      // A support case number, derived from the request id so that replay gives the same.
      std::uint64_t h = 1469598103934665603ull;
      for (char c : it->id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      it->case_id = std::to_string(1'000'000'000ull + h % 9'000'000'000ull);
    }
    if (status == "APPROVED" && it->quota_code != kConcurrencyCode) {
      applied_[{it->account, it->region, it->quota_code}] = it->desired;
    }
    r = *it;
  }
  if (status == "APPROVED" && r.quota_code == kConcurrencyCode) {
    registry_.With(r.account, r.region, [&](engine::Account& a) {
      a.SetConcurrencyLimit(static_cast<std::int64_t>(r.desired), now);
    });
  }
  if (replay) return;
  if (journal_) {
    std::lock_guard<std::mutex> lock(write_mutex_);
    (void)journal_->Append(JournalEntry{r.account, r.region, "QUOTA", r.id,
                                        boost::json::serialize(boost::json::object{{"status", status}}), now, 0});
  }
  Arm(r);
}

Status ServiceQuotas::Decide(const std::string& id, const std::string& verb) {
  std::string status;
  if (verb == "approve") status = "APPROVED";
  if (verb == "deny") status = "DENIED";
  if (verb == "close") status = "CASE_CLOSED";
  if (status.empty()) return Status(ErrorCode::kInvalidParameter, "expected approve, deny or close, not " + verb);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(requests_.begin(), requests_.end(), [&](const Request& q) { return q.id == id; });
    if (it == requests_.end()) return Status(ErrorCode::kNotFound, "no quota request " + id);
    if (!IsOpen(it->status)) {
      return Status(ErrorCode::kInvalidParameter, "request " + id + " is " + it->status + ", not open");
    }
  }
  SetStatus(id, status, clock_.Now(), false);
  return Status::Ok();
}

std::string ServiceQuotas::RequestsJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  boost::json::array out;
  for (const Request& r : requests_) {
    boost::json::object o = RenderRequest(r);
    o["AccountId"] = r.account;
    o["Region"] = r.region;
    o["Created"] = FormatLambdaTimestamp(r.created);
    o["LastUpdated"] = FormatLambdaTimestamp(r.last_updated);
    out.push_back(std::move(o));
  }
  return boost::json::serialize(out);
}

void ServiceQuotas::Replay(const JournalEntry& entry) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(entry.body, ec);
  if (ec || !body.is_object()) return;
  SetStatus(entry.target, StringOr(body.get_object(), "status"), entry.at, true);
}

void ServiceQuotas::Resume() {
  std::vector<Request> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Request& r : requests_) {
      if (IsOpen(r.status)) open.push_back(r);
    }
  }
  for (const Request& r : open) Arm(r);
}

}  // namespace hr::server
