#pragma once
// ServiceModel: the parts of an AWS service model (botocore's service-2.json) that headroom
// serves from: every operation's HTTP binding and the constraints of its input shape.
//
// The tables are constexpr data generated at build time by tools/gen_shapes.py (see
// src/wire/CMakeLists.txt for which model file and which overlay of AWS-recorded corrections
// feed each service). The router reads `operations`; wire/shape_validator.h walks the shapes.
// Everything here is immutable after start-up apart from each Pattern's lazily compiled regex,
// so any thread may read it at any time.

#include <cstdint>
#include <span>
#include <string_view>

#include "wire/pattern.h"

namespace hr::wire {

// Index of nothing, in the fields below that name a shape or a pattern.
inline constexpr int kNone = -1;

enum class ShapeType : std::uint8_t {
  kString,
  kInteger,  // 32-bit
  kLong,     // 64-bit
  kBoolean,
  kDouble,
  kFloat,
  kList,
  kMap,
  kStructure,
  kBlob,  // base64 text in JSON bodies
  kTimestamp,
};

// Where a member travels in a request.
enum class Location : std::uint8_t {
  kBody,     // a key of the JSON body (or of the JSON tree a query-protocol request is read into)
  kPayload,  // the whole body, e.g. Invoke's Payload; only a structure payload is validated
  kUri,      // a {label} of the request URI
  kQuery,    // a query-string parameter (repeated for a list)
  kHeader,   // an HTTP header; names compare case-insensitively
};

// A min or max constraint.
struct Bound {
  bool present = false;
  double value = 0;       // exact: the generator rejects bounds beyond 2^53
  std::string_view text;  // as AWS prints it: "140", "1.0"
};

struct IndexRange {
  std::uint16_t first = 0;
  std::uint16_t count = 0;
};

struct Shape {
  ShapeType type;
  bool sensitive;  // AWS leaves the value out of messages ("Value at 'x' ...")
  // Length for strings (in code points), blobs (bytes), lists and maps; value for numbers.
  Bound min;
  Bound max;
  int pattern;             // index into ServiceModel::patterns, or kNone
  IndexRange enum_values;  // into ServiceModel::enum_values, in model order
  IndexRange members;      // kStructure: into ServiceModel::members, in validation order
  int element;             // kList: the member shape; kMap: the value shape; else kNone
  int key;                 // kMap: the key shape; else kNone
};

struct Member {
  std::string_view path_name;  // how AWS names it in messages: "functionName"
  std::string_view wire_name;  // URI label, query parameter, header or JSON key: "FunctionName"
  Location location;
  bool required;
  int shape;
};

struct Operation {
  std::string_view name;    // "PutProvisionedConcurrencyConfig"
  std::string_view method;  // "PUT"
  // "/2019-09-30/functions/{FunctionName}/provisioned-concurrency". May end in a literal query
  // that tells operations apart, as in ListProvisionedConcurrencyConfigs' "?List=ALL".
  std::string_view request_uri;
  int success_code;  // 202; DeleteFunction is 204 (overlay: what AWS sends)
  int input;         // the input shape, or kNone
  int output;        // the output shape, or kNone
  std::string_view result_wrapper;  // query protocol: "GetMetricDataResult"; else empty
};

// An error the service declares (botocore's exception shapes).
struct ErrorShape {
  std::string_view name;  // the shape: "InvalidParameterValueException"
  std::string_view code;  // the query protocol's code: "InvalidParameterValue"
  int status;             // 400
  bool sender_fault;      // Sender (true) or Receiver
};

struct ServiceModel {
  std::string_view name;      // endpoint prefix: "lambda", "monitoring", "servicequotas", "sns"
  std::string_view protocol;  // botocore's metadata.protocol: "rest-json", "json", "query", ...
  std::string_view xml_namespace;  // query protocol replies: "http://monitoring.amazonaws.com/doc/2010-08-01/"
  std::string_view target_prefix;  // JSON protocols' X-Amz-Target: "GraniteServiceVersion20100801"
  std::span<const Operation> operations;  // sorted by name
  std::span<const Shape> shapes;
  std::span<const Member> members;
  std::span<const std::string_view> enum_values;
  std::span<const Pattern> patterns;
  std::span<const ErrorShape> errors;  // sorted by name

  // The operation called `name`, or nullptr.
  const Operation* FindOperation(std::string_view name) const;
  // The error shape called `name`, or nullptr.
  const ErrorShape* FindError(std::string_view name) const;

  const Shape& shape(int index) const { return shapes[index]; }
  std::span<const Member> MembersOf(const Shape& shape) const {
    return members.subspan(shape.members.first, shape.members.count);
  }
  std::span<const std::string_view> EnumValuesOf(const Shape& shape) const {
    return enum_values.subspan(shape.enum_values.first, shape.enum_values.count);
  }
};

// The generated models.
const ServiceModel& LambdaModel();         // lambda 2015-03-31, rest-json
const ServiceModel& CloudWatchModel();     // monitoring 2010-08-01, query / JSON 1.0
const ServiceModel& ServiceQuotasModel();  // servicequotas 2019-06-24, JSON 1.1
const ServiceModel& SnsModel();            // sns 2010-03-31, query

}  // namespace hr::wire
