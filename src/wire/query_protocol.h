#pragma once
// The awsQuery protocol (CloudWatch for boto3 ≤ 1.4x-era clients and aws-cli v2.9, and SNS for
// every client): form-encoded requests in, XML replies out (spec §6.1).
//
// A request `Action=Op&Version=...&A.member.1.B=x` is read into the JSON tree that the JSON
// protocols would have carried ({"A": [{"B": "x"}]}), walking the operation's input shape, so
// that one validator (wire/shape_validator.h) and one handler serve both protocols.
// Timestamps become epoch seconds (numbers), as the JSON protocols send them; numbers and
// booleans become JSON numbers and booleans. A reply is the handler's JSON output rendered as
// XML by walking the output shape (lists as <member>, maps as <entry><key/><value/></entry>,
// timestamps as ISO 8601).
//
// Pure; stateless; any thread.

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "base/status.h"
#include "wire/rpc_error.h"
#include "wire/service_model.h"

namespace hr::wire {

struct QueryRequest {
  std::string action;   // "GetMetricData"
  std::string version;  // "2010-08-01"
  boost::json::object input;
};

// Percent-decodes a form body ('+' is a space) and reads the parameters of its Action into
// the input tree. Errors: kInvalidParameter (a malformed number, boolean or timestamp,
// naming the parameter), kNotFound (an Action `model` does not have; message names it).
// A body without Action gives an empty action; the caller answers it.
StatusOr<QueryRequest> DecodeQueryRequest(const ServiceModel& model, std::string_view body);

// <OpResponse xmlns="..."><OpResult>...</OpResult><ResponseMetadata><RequestId>...
std::string EncodeQueryResponse(const ServiceModel& model, const Operation& operation,
                                const boost::json::object& output, std::string_view request_id);

// <ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>..</Code><Message>..</Message>
// </Error><RequestId>..</RequestId></ErrorResponse>
std::string EncodeQueryError(const ServiceModel& model, const RpcError& error,
                             std::string_view message, std::string_view request_id);

}  // namespace hr::wire
