#pragma once
// SnsService: a minimal Amazon SNS, so that an alarm's "SNS -> the team" works locally:
// CreateTopic, ListTopics, DeleteTopic, Subscribe, Unsubscribe, ListSubscriptionsByTopic and
// Publish over the query protocol (server/rpc_service.h), per account and Region.
//
// A published message goes to every subscription: `lambda` subscribers get Lambda's SNS event
// through the async queue; `http` and `https` subscribers get SNS's JSON notification POSTed
// to their URL from a background thread (best-effort; failures go in the message log);
// every message, with each delivery's outcome, is kept in a bounded log that
// GET /_headroom/sns/messages returns. Topics and subscriptions are journaled writes.
//
// Thread-safe (one mutex).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "server/async_queue.h"
#include "server/rpc_service.h"

namespace hr::server {

class SnsService {
 public:
  SnsService(AsyncQueue& async, const Clock& clock) : async_(async), clock_(clock) {}
  // Waits for http deliveries still under way (each gives up after a few seconds).
  ~SnsService();

  std::vector<RpcOperation> Operations();

  // Publishes to `topic_arn` (in `account`/`region`); the message id, or kNotFound.
  StatusOr<std::string> Publish(const std::string& account, const std::string& region,
                                const std::string& topic_arn, const std::string& subject,
                                const std::string& message, Timestamp now);

  // The message log as JSON: [{"MessageId","TopicArn","Subject","Message","Timestamp",
  // "Deliveries":[{"SubscriptionArn","Protocol","Endpoint","Status"}]}], oldest first.
  std::string MessageLog() const;

 private:
  struct Subscription {
    std::string arn;
    std::string protocol;
    std::string endpoint;
  };
  struct Topic {
    std::string arn;
    std::string name;
    std::map<std::string, std::string> attributes;
    std::vector<Subscription> subscriptions;
  };
  struct LoggedDelivery {
    std::string subscription_arn, protocol, endpoint, status;
  };
  struct LoggedMessage {
    std::string id, topic_arn, subject, message;
    Timestamp at;
    std::vector<LoggedDelivery> deliveries;
  };
  using Key = std::pair<std::string, std::string>;  // (account, region)

  RpcReply CreateTopic(const RpcCall& call);
  RpcReply ListTopics(const RpcCall& call);
  RpcReply DeleteTopic(const RpcCall& call);
  RpcReply Subscribe(const RpcCall& call);
  RpcReply Unsubscribe(const RpcCall& call);
  RpcReply ListSubscriptionsByTopic(const RpcCall& call);
  RpcReply PublishCall(const RpcCall& call);
  // The topic `arn` names in this account and Region, or null. REQUIRES: mutex_ held.
  Topic* FindTopic(const Key& key, const std::string& arn);
  void SetDeliveryStatus(const std::string& message_id, std::size_t index, std::string status);

  AsyncQueue& async_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable deliveries_done_;
  int deliveries_in_flight_ = 0;  // http deliveries on their own threads; guarded by mutex_
  std::map<Key, std::map<std::string, Topic>> topics_;  // by name
  std::deque<LoggedMessage> log_;
};

}  // namespace hr::server
