#include "server/rpc_service.h"

#include "wire/query_protocol.h"
#include "wire/rpc_error.h"
#include "wire/shape_validator.h"

namespace hr::server {

RpcReply RpcReply::Of(Status status) {
  switch (status.code()) {
    case ErrorCode::kOk: return RpcReply();
    case ErrorCode::kValidation: return Fail("ValidationError", status.message());
    case ErrorCode::kNotFound: return Fail("ResourceNotFound", status.message());
    case ErrorCode::kInvalidParameter: return Fail("InvalidParameterValueException", status.message());
    default: return Fail("InternalFailure", status.message());
  }
}

RpcService::RpcService(const wire::ServiceModel& model, std::string tag, JsonDialect dialect, Journal* journal,
                       std::mutex& write_mutex, std::vector<RpcOperation> operations)
    : model_(model),
      tag_(std::move(tag)),
      dialect_(std::move(dialect)),
      journal_(journal),
      write_mutex_(write_mutex),
      operations_(std::move(operations)) {}

const RpcOperation* RpcService::Find(std::string_view name) const {
  for (const RpcOperation& op : operations_) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

net::Response RpcService::Error(RpcProtocol protocol, std::string_view name, std::string_view message,
                                std::string_view request_id) const {
  const wire::RpcError error = wire::ResolveError(model_, name);
  net::Response r;
  r.status = error.status;
  if (protocol == RpcProtocol::kQuery) {
    r.headers.push_back({"Content-Type", "text/xml"});
    r.body = wire::EncodeQueryError(model_, error, message, request_id);
  } else {
    r.headers.push_back({"Content-Type", dialect_.content_type});
    if (dialect_.query_compatible) r.headers.push_back({"x-amzn-query-error", wire::QueryErrorHeader(error)});
    r.body = wire::EncodeJsonError(error, message, dialect_.message_key);
  }
  return r;
}

net::Response RpcService::Refuse(RpcProtocol protocol, const wire::AuthFailure& failure,
                                 std::string_view request_id) const {
  std::string message = failure.exception == wire::kMissingAuthenticationTokenException
                            ? std::string(wire::kJsonMissingAuthTokenMessage)
                            : failure.message;
  message += failure.detail;
  net::Response r;
  if (protocol == RpcProtocol::kQuery) {
    const wire::RpcError error{std::string(failure.query_code), std::string(failure.query_code), failure.query_status,
                               true};
    r.status = error.status;
    r.headers.push_back({"Content-Type", "text/xml"});
    r.body = wire::EncodeQueryError(model_, error, message, request_id);
    return r;
  }
  const wire::RpcError error{std::string(failure.query_code), std::string(failure.exception), failure.json_status,
                             true};
  r.status = error.status;
  r.headers.push_back({"Content-Type", dialect_.content_type});
  if (dialect_.query_compatible) r.headers.push_back({"x-amzn-query-error", wire::QueryErrorHeader(error)});
  r.body = wire::EncodeJsonError(error, message);
  return r;
}

net::Response RpcService::Serve(RpcProtocol protocol, std::string_view operation, std::string_view body,
                                std::string_view account, std::string_view region, Timestamp now,
                                std::string_view request_id) {
  boost::json::object input;
  std::string name(operation);
  if (protocol == RpcProtocol::kQuery) {
    auto decoded = wire::DecodeQueryRequest(model_, body);
    if (!decoded.ok()) {
      if (decoded.status().code() == ErrorCode::kNotFound) {
        return Error(protocol, "InvalidAction", decoded.status().message(), request_id);
      }
      return Error(protocol, "InvalidParameterValueException", decoded.status().message(), request_id);
    }
    if (decoded->action.empty()) {
      return Error(protocol, "MissingAction", "The request must contain the parameter Action.", request_id);
    }
    name = decoded->action;
    input = std::move(decoded->input);
  } else if (!body.empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(body, ec);
    if (ec || !parsed.is_object()) {
      return Error(protocol, "SerializationException", "The request body is not a JSON object.", request_id);
    }
    input = std::move(parsed.get_object());
  }
  const wire::Operation* model_op = model_.FindOperation(name);
  const RpcOperation* op = Find(name);
  if (!model_op || !op) {
    if (protocol == RpcProtocol::kQuery) {
      return Error(protocol, "InvalidAction", "Could not find operation " + name + ".", request_id);
    }
    return Error(protocol, "UnknownOperationException", "The operation " + name + " is not supported.",
                 request_id);
  }
  const boost::json::value tree(input);
  wire::RequestView view;
  view.body = &tree;
  if (auto failure = wire::ValidateInput(model_, *model_op, view)) {
    return Error(protocol, protocol == RpcProtocol::kQuery ? std::string("ValidationError") : dialect_.validation_error,
                 failure->message, request_id);
  }

  RpcReply reply;
  if (op->write) {
    std::lock_guard<std::mutex> lock(write_mutex_);
    IdSequence ids(IdSequence::RandomSeed());
    reply = op->handler(RpcCall{account, region, now, input, ids, false});
    if (reply.ok() && journal_) {
      Status saved = journal_->Append(JournalEntry{std::string(account), std::string(region), "RPC",
                                                   tag_ + "." + name, boost::json::serialize(input), now,
                                                   ids.seed()});
      if (!saved.ok()) return Error(protocol, "InternalFailure", saved.message(), request_id);
    }
  } else {
    IdSequence ids(IdSequence::RandomSeed());
    reply = op->handler(RpcCall{account, region, now, input, ids, false});
  }
  if (!reply.ok()) return Error(protocol, reply.error, reply.message, request_id);

  net::Response r;
  r.status = 200;
  if (protocol == RpcProtocol::kQuery) {
    r.headers.push_back({"Content-Type", "text/xml"});
    r.body = wire::EncodeQueryResponse(model_, *model_op, reply.output, request_id);
  } else {
    r.headers.push_back({"Content-Type", dialect_.content_type});
    r.body = boost::json::serialize(reply.output);
  }
  return r;
}

Status RpcService::Replay(const JournalEntry& entry) {
  const std::string name = entry.target.substr(tag_.size() + 1);
  const RpcOperation* op = Find(name);
  if (!op) return Status(ErrorCode::kInternal, "journal names unknown operation " + entry.target);
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(entry.body, ec);
  if (ec || !parsed.is_object()) return Status(ErrorCode::kInternal, "journal entry is not JSON: " + entry.target);
  IdSequence ids(entry.seed);
  RpcReply reply = op->handler(RpcCall{entry.account, entry.region, entry.at, parsed.get_object(), ids, true});
  if (!reply.ok()) {
    return Status(ErrorCode::kInternal, "journal replay of " + entry.target + " failed: " + reply.error + ": " +
                                            reply.message);
  }
  return Status::Ok();
}

}  // namespace hr::server
