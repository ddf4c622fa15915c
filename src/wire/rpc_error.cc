#include "wire/rpc_error.h"

#include "wire/json_response.h"

namespace hr::wire {

RpcError ResolveError(const ServiceModel& model, std::string_view name) {
  RpcError error;
  if (const ErrorShape* shape = model.FindError(name)) {
    error.code = std::string(shape->code);
    error.type = std::string(shape->name);
    error.status = static_cast<unsigned>(shape->status);
    error.sender_fault = shape->sender_fault;
  } else {
    error.code = std::string(name);
    error.type = std::string(name);
    const bool internal = name == "InternalFailure" || name == "ServiceUnavailable";
    error.status = internal ? 500 : 400;
    error.sender_fault = !internal;
  }
  return error;
}

std::string EncodeJsonError(const RpcError& error, std::string_view message, std::string_view message_key) {
  std::string body;
  JsonObjectWriter(&body).String("__type", error.type).String(message_key, message).Close();
  return body;
}

std::string QueryErrorHeader(const RpcError& error) {
  return error.code + (error.sender_fault ? ";Sender" : ";Receiver");
}

}  // namespace hr::wire
