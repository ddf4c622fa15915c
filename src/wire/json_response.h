#pragma once
// Small helpers for writing JSON response bodies by hand, in a fixed key order, when building a
// boost::json::object first would cost more than it says (error bodies, Invoke's 429s).
//
// Called by wire/lambda_errors.cc and the protocol handlers, from any thread; stateless.
// Strings are escaped by Boost.JSON's serializer (quotes, backslashes, control characters as
// \uXXXX; well-formed UTF-8 passes through unchanged, ill-formed bytes become U+FFFD).

#include <cstdint>
#include <string>
#include <string_view>

namespace hr::wire {

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, so that
// what a client sent (a bad percent-escape, a raw header byte) can be quoted in JSON.
std::string ToValidUtf8(std::string_view text);

// Appends `text` to *out as a quoted, escaped JSON string (ill-formed UTF-8 becomes U+FFFD).
void AppendJsonString(std::string* out, std::string_view text);

// Writes one JSON object into *out, keys in call order:
//   std::string body;
//   JsonObjectWriter(&body).String("Type", "User").Null("message").Close();  // {"Type":...}
// Keys are written as given (escaped). Close() must be called once, last.
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }

  JsonObjectWriter& String(std::string_view key, std::string_view value);
  JsonObjectWriter& Int(std::string_view key, std::int64_t value);
  // The shortest decimal that reads back as `value` ("0.2", "1573686021.479"); finite only.
  JsonObjectWriter& Double(std::string_view key, double value);
  JsonObjectWriter& Bool(std::string_view key, bool value);
  JsonObjectWriter& Null(std::string_view key);
  // `json` must already be one valid JSON value; it is copied verbatim.
  JsonObjectWriter& Raw(std::string_view key, std::string_view json);
  void Close() { out_->push_back('}'); }

 private:
  void Key(std::string_view key);

  std::string* out_;
  bool first_ = true;
};

}  // namespace hr::wire
