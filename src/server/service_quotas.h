#pragma once
// ServiceQuotas: AWS Service Quotas for Lambda (spec §5) over JSON 1.1 (X-Amz-Target
// ServiceQuotasV20190624.*): the Lambda quotas with AWS's defaults, their applied values,
// and quota increase requests with their lifecycle.
//
// L-B99A9384 (Concurrent executions) is the engine's account limit: GetServiceQuota reads it,
// and an APPROVED request sets it at once, so GetAccountSettings, admission and SERVICE_QUOTA()
// all see the new value. A request goes PENDING -> CASE_OPENED (after `case_delay`) and then
// as the operator's approval policy says:
//   manual    stays CASE_OPENED until `headroom quota approve|deny|close ID` (admin endpoint);
//   auto      APPROVED after `approval_delay`;
//   ceiling   APPROVED after `approval_delay` up to `ceiling`, DENIED above it;
//   deny      DENIED after `approval_delay`.
// A request with SupportCaseAllowed=false that would need a case (manual, deny, or above the
// ceiling) is NOT_APPROVED at once; one the policy approves by itself goes PENDING -> APPROVED
// with no case. Requests and every status change are journaled (method
// "QUOTA"), so they and the applied values survive a restart; timers are re-armed on restart.
//
// Thread-safe (one mutex; the engine through the AccountRegistry; timers on the scheduler).

#include <cstdint>
#include <map>
#include <tuple>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "server/account_registry.h"
#include "server/journal.h"
#include "server/rpc_service.h"
#include "server/scheduler.h"

namespace hr::server {

struct QuotaPolicy {
  std::string approval = "manual";  // manual | auto | ceiling | deny
  Duration case_delay = Duration::Seconds(1);
  Duration approval_delay = Duration::Seconds(5);
  double ceiling = 10'000;
};

class ServiceQuotas {
 public:
  ServiceQuotas(AccountRegistry& registry, Scheduler& scheduler, const Clock& clock, Journal* journal,
                std::mutex& write_mutex, QuotaPolicy policy)
      : registry_(registry), scheduler_(scheduler), clock_(clock), journal_(journal),
        write_mutex_(write_mutex), policy_(std::move(policy)) {}

  std::vector<RpcOperation> Operations();

  // The admin verbs: "approve", "deny" or "close" request `id` (any account). Errors:
  // kNotFound, kInvalidParameter (the request is not open).
  Status Decide(const std::string& id, const std::string& verb);
  // Every request of every account, as JSON (for /_headroom/quota/requests and `headroom quota list`).
  std::string RequestsJson() const;

  // Replays a journaled status change.
  void Replay(const JournalEntry& entry);
  // Arms the timers of open requests (after the journal has been replayed).
  void Resume();

 private:
  struct Request {
    std::string id;
    std::string account, region;
    std::string quota_code;
    double desired = 0;
    bool case_allowed = true;  // SupportCaseAllowed
    std::string status;
    std::string case_id;
    Timestamp created, last_updated;
  };

  RpcReply GetServiceQuota(const RpcCall& call, bool defaults);
  RpcReply ListServiceQuotas(const RpcCall& call, bool defaults);
  RpcReply ListServices(const RpcCall& call);
  RpcReply RequestIncrease(const RpcCall& call);
  RpcReply GetRequestedChange(const RpcCall& call);
  RpcReply ListHistory(const RpcCall& call, bool by_quota);

  // The quota's applied value in the account.
  double Applied(const std::string& account, const std::string& region, const std::string& code);
  boost::json::object RenderRequest(const Request& r) const;
  // Moves request `id` to `status` at `now`, applies an approval, journals it (unless
  // replaying) and arms its next timer. REQUIRES: mutex_ not held.
  void SetStatus(const std::string& id, const std::string& status, Timestamp now, bool replay);
  void Arm(const Request& r);

  AccountRegistry& registry_;
  Scheduler& scheduler_;
  const Clock& clock_;
  Journal* journal_;
  std::mutex& write_mutex_;
  const QuotaPolicy policy_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;  // in creation order
  // Applied values of the quotas that are not the engine's, by (account, region, code).
  std::map<std::tuple<std::string, std::string, std::string>, double> applied_;
};

}  // namespace hr::server
