#pragma once
// RpcService: one AWS service that speaks the JSON protocols (1.0, 1.1) and/or the query
// protocol — CloudWatch, SNS, Service Quotas. It decodes a request in either protocol into
// the same JSON input tree (wire/query_protocol.h), validates it against the service model
// (wire/shape_validator.h), calls the operation's handler, and encodes the reply or the error
// in the protocol the client spoke. A successful write is journaled (method "RPC", target
// "<service>.<Operation>", the input tree as its body) before the client hears of it, and
// replayed through the same handler at start-up.
//
// Thread-safe when the handlers are: writes run one at a time under the shared write mutex
// (the journal's order is the order they were applied).

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/status.h"
#include "base/time.h"
#include "net/response.h"
#include "server/journal.h"
#include "server/request_id.h"
#include "wire/service_model.h"
#include "wire/sigv4_authorization.h"

namespace hr::server {

// One decoded call.
struct RpcCall {
  std::string_view account;
  std::string_view region;
  Timestamp now;
  const boost::json::object& input;
  IdSequence& ids;        // ids this write hands out (the same again on replay)
  bool replay = false;    // replaying the journal: no side effects beyond the state
};

// A handler's answer: the output tree, or the error shape's name (or a code such as
// ValidationError) and message.
struct RpcReply {
  boost::json::object output;
  std::string error;
  std::string message;

  static RpcReply Fail(std::string error, std::string message) {
    RpcReply r;
    r.error = std::move(error);
    r.message = std::move(message);
    return r;
  }
  static RpcReply Of(Status status);  // maps ErrorCode to CloudWatch-style names
  bool ok() const { return error.empty(); }
};

struct RpcOperation {
  std::string_view name;
  bool write;  // journaled when it succeeds
  std::function<RpcReply(const RpcCall&)> handler;
};

enum class RpcProtocol { kQuery, kJson };

class RpcService {
 public:
  // How the service words its JSON replies.
  struct JsonDialect {
    std::string content_type;  // "application/x-amz-json-1.0"
    bool query_compatible;     // errors also carry x-amzn-query-error (CloudWatch)
    std::string message_key;   // the error body's "message" (CloudWatch) or "Message" (Service Quotas)
    // What a request the model rejects is called: "ValidationError" (query and
    // query-compatible services) or "ValidationException" (JSON services).
    std::string validation_error;
  };
  // `tag` names the service in the journal ("monitoring").
  RpcService(const wire::ServiceModel& model, std::string tag, JsonDialect dialect, Journal* journal,
             std::mutex& write_mutex, std::vector<RpcOperation> operations);

  const std::string& tag() const { return tag_; }

  // `operation`: the X-Amz-Target's operation for JSON; ignored for query (the body names it).
  net::Response Serve(RpcProtocol protocol, std::string_view operation, std::string_view body,
                      std::string_view account, std::string_view region, Timestamp now,
                      std::string_view request_id);
  // An authentication failure (server/identity.h) in the protocol the client spoke: XML with
  // the query protocol's code and status (InvalidClientTokenId 403, ...), or JSON with the
  // exception as __type and the JSON status (400), plus x-amzn-query-error for a
  // query-compatible service. The message is AWS's, with its detail appended; an absent
  // signature reads "Request is missing Authentication Token", as Coral services word it.
  net::Response Refuse(RpcProtocol protocol, const wire::AuthFailure& failure, std::string_view request_id) const;
  // Applies a journaled write again. Errors: kInternal when it no longer succeeds.
  Status Replay(const JournalEntry& entry);

 private:
  const RpcOperation* Find(std::string_view name) const;
  net::Response Error(RpcProtocol protocol, std::string_view name, std::string_view message,
                      std::string_view request_id) const;

  const wire::ServiceModel& model_;
  const std::string tag_;
  const JsonDialect dialect_;
  Journal* journal_;
  std::mutex& write_mutex_;
  std::vector<RpcOperation> operations_;
};

}  // namespace hr::server
