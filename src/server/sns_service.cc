#include "server/sns_service.h"

#include <thread>

#include "base/iso_time.h"
#include "server/http_client.h"
#include "server/json_input.h"
#include "server/request_id.h"

namespace hr::server {
namespace {

constexpr std::size_t kMaxLoggedMessages = 1000;
constexpr std::size_t kPageSize = 100;

std::string TopicArn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:sns:" + std::string(region) + ":" + std::string(account) + ":" + std::string(name);
}

bool ValidTopicName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

RpcReply TopicNotFound() { return RpcReply::Fail("NotFoundException", "Topic does not exist"); }

// Lambda's event for an SNS notification.
std::string LambdaEvent(const std::string& subscription_arn, const std::string& topic_arn,
                        const std::string& message_id, const std::string& subject,
                        const std::string& message, Timestamp at) {
  boost::json::object sns{{"Type", "Notification"},
                          {"MessageId", message_id},
                          {"TopicArn", topic_arn},
                          {"Subject", subject.empty() ? boost::json::value(nullptr) : boost::json::value(subject)},
                          {"Message", message},
                          {"Timestamp", FormatIsoMillis(at)},
                          {"SignatureVersion", "1"},
                          {"Signature", ""},
                          {"SigningCertUrl", ""},
                          {"UnsubscribeUrl", ""},
                          {"MessageAttributes", boost::json::object()}};
  boost::json::object record{{"EventSource", "aws:sns"},
                             {"EventVersion", "1.0"},
                             {"EventSubscriptionArn", subscription_arn},
                             {"Sns", std::move(sns)}};
  return boost::json::serialize(boost::json::object{{"Records", boost::json::array{std::move(record)}}});
}

// SNS's JSON notification, as an http subscriber receives it.
std::string HttpNotification(const std::string& topic_arn, const std::string& message_id,
                             const std::string& subject, const std::string& message, Timestamp at) {
  boost::json::object n{{"Type", "Notification"}, {"MessageId", message_id}, {"TopicArn", topic_arn}};
  if (!subject.empty()) n["Subject"] = subject;
  n["Message"] = message;
  n["Timestamp"] = FormatIsoMillis(at);
  n["SignatureVersion"] = "1";
  n["Signature"] = "";
  n["SigningCertURL"] = "";
  n["UnsubscribeURL"] = "";
  return boost::json::serialize(n);
}

}  // namespace

SnsService::~SnsService() {
  std::unique_lock<std::mutex> lock(mutex_);
  deliveries_done_.wait(lock, [this] { return deliveries_in_flight_ == 0; });
}

std::vector<RpcOperation> SnsService::Operations() {
  auto bind = [this](RpcReply (SnsService::*fn)(const RpcCall&)) {
    return [this, fn](const RpcCall& call) { return (this->*fn)(call); };
  };
  return {
      {"CreateTopic", true, bind(&SnsService::CreateTopic)},
      {"DeleteTopic", true, bind(&SnsService::DeleteTopic)},
      {"ListSubscriptionsByTopic", false, bind(&SnsService::ListSubscriptionsByTopic)},
      {"ListTopics", false, bind(&SnsService::ListTopics)},
      {"Publish", false, bind(&SnsService::PublishCall)},
      {"Subscribe", true, bind(&SnsService::Subscribe)},
      {"Unsubscribe", true, bind(&SnsService::Unsubscribe)},
  };
}

SnsService::Topic* SnsService::FindTopic(const Key& key, const std::string& arn) {
  auto table = topics_.find(key);
  if (table == topics_.end()) return nullptr;
  const std::string prefix = TopicArn(key.second, key.first, "");
  if (arn.rfind(prefix, 0) != 0) return nullptr;
  auto it = table->second.find(arn.substr(prefix.size()));
  return it == table->second.end() ? nullptr : &it->second;
}

RpcReply SnsService::CreateTopic(const RpcCall& call) {
  const std::string name = StringOr(call.input, "Name");
  if (!ValidTopicName(name)) {
    return RpcReply::Fail("InvalidParameterException",
                          "Invalid parameter: Topic Name");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto& table = topics_[{std::string(call.account), std::string(call.region)}];
  auto [it, created] = table.try_emplace(name);
  Topic& topic = it->second;
  if (created) {
    topic.name = name;
    topic.arn = TopicArn(call.region, call.account, name);
    if (const boost::json::object* attributes = ObjectOf(call.input, "Attributes")) {
      for (const auto& kv : *attributes) {
        if (kv.value().is_string()) topic.attributes[std::string(kv.key())] = std::string(kv.value().get_string());
      }
    }
  }
  RpcReply r;
  r.output["TopicArn"] = topic.arn;
  return r;
}

RpcReply SnsService::ListTopics(const RpcCall& call) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string token = StringOr(call.input, "NextToken");
  boost::json::array topics;
  RpcReply r;
  auto table = topics_.find({std::string(call.account), std::string(call.region)});
  if (table != topics_.end()) {
    for (auto it = table->second.lower_bound(token); it != table->second.end(); ++it) {
      if (topics.size() == kPageSize) {
        r.output["NextToken"] = it->first;
        break;
      }
      topics.push_back(boost::json::object{{"TopicArn", it->second.arn}});
    }
  }
  r.output["Topics"] = std::move(topics);
  return r;
}

RpcReply SnsService::DeleteTopic(const RpcCall& call) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Key key{std::string(call.account), std::string(call.region)};
  if (Topic* topic = FindTopic(key, StringOr(call.input, "TopicArn"))) {
    topics_[key].erase(topic->name);
  }
  return RpcReply();  // deleting a topic that does not exist succeeds, as on AWS
}

RpcReply SnsService::Subscribe(const RpcCall& call) {
  const std::string protocol = StringOr(call.input, "Protocol");
  const std::string endpoint = StringOr(call.input, "Endpoint");
  static const std::vector<std::string_view> kProtocols = {"http", "https", "email", "email-json", "sms",
                                                           "sqs", "application", "lambda", "firehose"};
  if (std::find(kProtocols.begin(), kProtocols.end(), protocol) == kProtocols.end()) {
    return RpcReply::Fail("InvalidParameterException", "Invalid parameter: Amazon SNS does not support this protocol string: " + protocol);
  }
  if ((protocol == "http" && endpoint.rfind("http://", 0) != 0) ||
      (protocol == "https" && endpoint.rfind("https://", 0) != 0)) {
    return RpcReply::Fail("InvalidParameterException", "Invalid parameter: Endpoint must match the specified protocol");
  }
  if (protocol == "lambda" && endpoint.rfind("arn:aws:lambda:", 0) != 0) {
    return RpcReply::Fail("InvalidParameterException", "Invalid parameter: Lambda endpoint ARN");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Topic* topic = FindTopic({std::string(call.account), std::string(call.region)}, StringOr(call.input, "TopicArn"));
  if (!topic) return TopicNotFound();
  for (const Subscription& s : topic->subscriptions) {
    if (s.protocol == protocol && s.endpoint == endpoint) {
      RpcReply r;
      r.output["SubscriptionArn"] = s.arn;
      return r;
    }
  }
  // Local endpoints need no confirmation round trip: the subscription is confirmed at once.
  Subscription s{topic->arn + ":" + call.ids.Next(), protocol, endpoint};
  topic->subscriptions.push_back(s);
  RpcReply r;
  r.output["SubscriptionArn"] = s.arn;
  return r;
}

RpcReply SnsService::Unsubscribe(const RpcCall& call) {
  const std::string arn = StringOr(call.input, "SubscriptionArn");
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t split = arn.rfind(':');
  Topic* topic = split == std::string::npos
                     ? nullptr
                     : FindTopic({std::string(call.account), std::string(call.region)}, arn.substr(0, split));
  if (!topic) return RpcReply::Fail("NotFoundException", "Subscription does not exist");
  auto& subs = topic->subscriptions;
  const auto before = subs.size();
  subs.erase(std::remove_if(subs.begin(), subs.end(), [&](const Subscription& s) { return s.arn == arn; }),
             subs.end());
  if (subs.size() == before) return RpcReply::Fail("NotFoundException", "Subscription does not exist");
  return RpcReply();
}

RpcReply SnsService::ListSubscriptionsByTopic(const RpcCall& call) {
  std::lock_guard<std::mutex> lock(mutex_);
  Topic* topic = FindTopic({std::string(call.account), std::string(call.region)}, StringOr(call.input, "TopicArn"));
  if (!topic) return TopicNotFound();
  boost::json::array subs;
  for (const Subscription& s : topic->subscriptions) {
    subs.push_back(boost::json::object{{"SubscriptionArn", s.arn},
                                       {"Owner", std::string(call.account)},
                                       {"Protocol", s.protocol},
                                       {"Endpoint", s.endpoint},
                                       {"TopicArn", topic->arn}});
  }
  RpcReply r;
  r.output["Subscriptions"] = std::move(subs);
  return r;
}

RpcReply SnsService::PublishCall(const RpcCall& call) {
  std::string arn = StringOr(call.input, "TopicArn");
  if (arn.empty()) arn = StringOr(call.input, "TargetArn");
  if (arn.empty()) return RpcReply::Fail("InvalidParameterException", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
  const std::string message = StringOr(call.input, "Message");
  if (message.empty()) return RpcReply::Fail("InvalidParameterException", "Invalid parameter: Empty message");
  auto id = Publish(std::string(call.account), std::string(call.region), arn, StringOr(call.input, "Subject"),
                    message, call.now);
  if (!id.ok()) return TopicNotFound();
  RpcReply r;
  r.output["MessageId"] = *id;
  return r;
}

StatusOr<std::string> SnsService::Publish(const std::string& account, const std::string& region,
                                          const std::string& topic_arn, const std::string& subject,
                                          const std::string& message, Timestamp now) {
  std::vector<Subscription> subscriptions;
  const std::string id = NewRequestId();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Topic* topic = FindTopic({account, region}, topic_arn);
    if (!topic) return Status(ErrorCode::kNotFound, "Topic does not exist");
    subscriptions = topic->subscriptions;
    LoggedMessage logged{id, topic_arn, subject, message, now, {}};
    for (const Subscription& s : subscriptions) {
      logged.deliveries.push_back({s.arn, s.protocol, s.endpoint, "pending"});
    }
    log_.push_back(std::move(logged));
    while (log_.size() > kMaxLoggedMessages) log_.pop_front();
  }
  for (std::size_t i = 0; i < subscriptions.size(); ++i) {
    const Subscription& s = subscriptions[i];
    if (s.protocol == "lambda") {
      InvocationInput input;
      input.account = account;
      input.region = region;
      input.function = s.endpoint;
      input.payload = LambdaEvent(s.arn, topic_arn, id, subject, message, now);
      input.request_id = NewRequestId();
      input.synchronous = false;
      Status queued = async_.Enqueue(input, clock_.Now());
      SetDeliveryStatus(id, i, queued.ok() ? "delivered" : "failed: " + queued.message());
    } else if (s.protocol == "http" || s.protocol == "https") {
      std::string body = HttpNotification(topic_arn, id, subject, message, now);
      std::vector<std::pair<std::string, std::string>> headers = {
          {"Content-Type", "text/plain; charset=UTF-8"},
          {"x-amz-sns-message-type", "Notification"},
          {"x-amz-sns-message-id", id},
          {"x-amz-sns-topic-arn", topic_arn},
          {"x-amz-sns-subscription-arn", s.arn}};
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++deliveries_in_flight_;
      }
      std::thread([this, id, i, url = s.endpoint, body = std::move(body), headers = std::move(headers)] {
        const HttpResult r = Fetch("POST", url, body, headers);
        SetDeliveryStatus(id, i, r.error.empty() ? "delivered (" + std::to_string(r.status) + ")" : "failed: " + r.error);
        std::lock_guard<std::mutex> lock(mutex_);
        --deliveries_in_flight_;
        deliveries_done_.notify_all();
      }).detach();
    } else {
      SetDeliveryStatus(id, i, "logged (protocol " + s.protocol + " is not delivered locally)");
    }
  }
  return id;
}

void SnsService::SetDeliveryStatus(const std::string& message_id, std::size_t index, std::string status) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
    if (it->id == message_id) {
      if (index < it->deliveries.size()) it->deliveries[index].status = std::move(status);
      return;
    }
  }
}

std::string SnsService::MessageLog() const {
  std::lock_guard<std::mutex> lock(mutex_);
  boost::json::array out;
  for (const LoggedMessage& m : log_) {
    boost::json::array deliveries;
    for (const LoggedDelivery& d : m.deliveries) {
      deliveries.push_back(boost::json::object{{"SubscriptionArn", d.subscription_arn},
                                               {"Protocol", d.protocol},
                                               {"Endpoint", d.endpoint},
                                               {"Status", d.status}});
    }
    out.push_back(boost::json::object{{"MessageId", m.id},
                                      {"TopicArn", m.topic_arn},
                                      {"Subject", m.subject},
                                      {"Message", m.message},
                                      {"Timestamp", FormatIsoMillis(m.at)},
                                      {"Deliveries", std::move(deliveries)}});
  }
  return boost::json::serialize(out);
}

}  // namespace hr::server
