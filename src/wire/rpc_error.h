#pragma once
// RpcError: an error of a service that speaks the JSON or query protocols (CloudWatch,
// Service Quotas, SNS), resolved from the service model's error shapes, and its JSON body.
//
// Query-compatible services (CloudWatch) also send `x-amzn-query-error: <code>;<Sender|
// Receiver>` with a JSON error, so that clients report the query protocol's code; the
// caller adds that header (QueryErrorHeader).
//
// Pure; stateless; any thread.

#include <string>
#include <string_view>

#include "wire/service_model.h"

namespace hr::wire {

struct RpcError {
  std::string code;  // the query protocol's code: "InvalidParameterValue"
  std::string type;  // the JSON protocols' __type: the shape name, or the code
  unsigned status = 400;
  bool sender_fault = true;
};

// The error shape called `name`, or, when the model declares no such shape (ValidationError,
// InternalFailure), an error whose code and type are `name` itself (400 Sender; 500 Receiver
// for InternalFailure and ServiceUnavailable).
RpcError ResolveError(const ServiceModel& model, std::string_view name);

// {"__type":"<type>","<message_key>":"<message>"}: CloudWatch writes "message", Service
// Quotas "Message" (its exception shapes' member).
std::string EncodeJsonError(const RpcError& error, std::string_view message,
                            std::string_view message_key = "message");

// "InvalidParameterValue;Sender"
std::string QueryErrorHeader(const RpcError& error);

}  // namespace hr::wire
