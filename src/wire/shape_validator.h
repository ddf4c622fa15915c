#pragma once
// ValidateInput: checks one request against its operation's input shape the way AWS's front
// end does, and words the failure exactly as AWS does.
//
// The protocol handlers call it on every request, Invoke included, after routing and body
// parsing and before anything else looks at the request. It keeps no state (the model's
// patterns compile once, lazily), so any number of threads may call it at once. A request that
// passes allocates nothing here beyond what std::regex_match allocates for a pattern (and a
// list sent in the query string, which is rare). About 1.5 us for a typical Invoke.
//
// Constraint violations become AWS's ValidationException text:
//   1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to
//   satisfy constraint: Member must have value greater than or equal to 1
// and for several "2 validation errors detected: <e1>; <e2>". The rules, with their evidence
// (AWS-recorded = shared/localstack-snapshots; other captures of real AWS are cited as "seen"):
//  * Members are checked in the order of the model's input shape, except that URI labels come
//    last (tools/gen_shapes.py emits them in that order). AWS-recorded: GetFunction,
//    DeleteFunction and Invoke report 'qualifier' (query) before 'functionName' (label), the
//    reverse of the model; PublishLayerVersion reports body members in model order. AWS's true
//    order looks hash-based (other services disagree with any simple rule), so this rule fits
//    the Lambda recordings and no more.
//  * One member can fail several constraints, each its own error, in the order: max, min,
//    pattern, enum (AWS-recorded: "length less than or equal to 140" before the pattern).
//  * The path is the lowerCamel member name, dotted through structures
//    ('destinationConfig.onFailure.destination', AWS-recorded). Structures inside a list are
//    'list.N.member.field' with N from 1 (seen from DynamoDB: 'attributeDefinitions.1.member.
//    attributeType'); structures inside a map are 'map.KEY.member.field' (a guess).
//  * Lists and maps of non-structures are judged whole: the list's own length first, then, if
//    any element fails, one error quoting the whole list with "Member must satisfy constraint:
//    [<every constraint of the element shape>, Member must not be null]"; maps give "Map keys
//    must satisfy constraint: [...]" (no "not null") before "Map value must satisfy constraint:
//    [..., Member must not be null]" (all AWS-recorded).
//  * Values are quoted as Java prints them: strings raw, doubles "2.0", lists "[a, b]", maps
//    "{k=v}". A missing required member is "Value null at 'x' ... Member must not be null"; JSON
//    null counts as missing. A sensitive shape's value is left out: "Value at 'x' ...".
//  * String lengths count code points; blob lengths count decoded bytes.
//
// A value of the wrong JSON type is not a ValidationException: AWS's deserializer rejects the
// request before validation runs, so a type mismatch anywhere wins over every constraint
// violation. The message follows AWS's JSON deserializer as seen from other services ("STRING_
// VALUE can not be converted to an Integer", "Start of list found where not expected"); which
// error type carries it (SerializationException, InvalidRequestContentException) is the caller's
// choice. Query, header and label text that does not parse as the member's number or boolean
// type is reported the same way, as STRING_VALUE.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "wire/service_model.h"

namespace hr::wire {

struct RequestParam {
  std::string_view name;
  std::string_view value;
};

// The parts of one request that carry input members. Views only: the caller keeps them alive
// for the call.
struct RequestView {
  std::span<const RequestParam> labels;   // URI labels as the template names them, decoded
  std::span<const RequestParam> query;    // query parameters, percent-decoded; repeats allowed
  std::span<const RequestParam> headers;  // names compare case-insensitively
  // The parsed JSON body, or nullptr when there is none or it is raw (a blob payload). A
  // query-protocol request is passed as the JSON tree of its parameters, keyed by member name.
  const boost::json::value* body = nullptr;
};

struct ValidationFailure {
  enum class Kind {
    kConstraintViolation,  // AWS answers ValidationException
    kTypeMismatch,         // AWS's deserializer rejects the request before validation
  };
  Kind kind;
  std::string message;  // the exact text for the client
};

// Returns nullopt when `request` satisfies every constraint of `operation`'s input shape, else
// the failure. REQUIRES: `operation` is one of `model.operations`.
std::optional<ValidationFailure> ValidateInput(const ServiceModel& model,
                                               const Operation& operation,
                                               const RequestView& request);

}  // namespace hr::wire
