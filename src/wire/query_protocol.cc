#include "wire/query_protocol.h"

#include <charconv>
#include <cstdlib>
#include <map>

#include "base/iso_time.h"
#include "wire/percent_encoding.h"

namespace hr::wire {
namespace {

using Params = std::map<std::string, std::string, std::less<>>;

Params ParseForm(std::string_view body) {
  Params params;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    params.insert_or_assign(PercentDecode(pair.substr(0, eq), true),
                            eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true));
  }
  return params;
}

bool HasPrefix(const Params& params, const std::string& prefix) {
  auto it = params.lower_bound(prefix);
  return it != params.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

class Reader {
 public:
  Reader(const ServiceModel& model, const Params& params) : model_(model), params_(params) {}

  Status Structure(const Shape& shape, const std::string& prefix, boost::json::object& out) {
    for (const Member& m : model_.MembersOf(shape)) {
      const std::string key = prefix.empty() ? std::string(m.wire_name) : prefix + "." + std::string(m.wire_name);
      boost::json::value value;
      bool present = false;
      HR_RETURN_IF_ERROR(Value(model_.shape(m.shape), key, value, present));
      if (present) out[m.wire_name] = std::move(value);
    }
    return Status::Ok();
  }

 private:
  Status Value(const Shape& shape, const std::string& key, boost::json::value& out, bool& present) {
    switch (shape.type) {
      case ShapeType::kStructure: {
        if (!HasPrefix(params_, key + ".")) return Status::Ok();
        present = true;
        HR_RETURN_IF_ERROR(Structure(shape, key, out.emplace_object()));
        return Status::Ok();
      }
      case ShapeType::kList: {
        auto whole = params_.find(key);
        if (whole != params_.end() && whole->second.empty()) {  // "A=" is the empty list
          present = true;
          out.emplace_array();
          return Status::Ok();
        }
        if (!HasPrefix(params_, key + ".member.")) return Status::Ok();
        present = true;
        boost::json::array& array = out.emplace_array();
        const Shape& element = model_.shape(shape.element);
        for (int i = 1;; ++i) {
          const std::string item = key + ".member." + std::to_string(i);
          boost::json::value value;
          bool found = false;
          HR_RETURN_IF_ERROR(Value(element, item, value, found));
          if (!found) break;
          array.push_back(std::move(value));
        }
        return Status::Ok();
      }
      case ShapeType::kMap: {
        if (!HasPrefix(params_, key + ".entry.")) return Status::Ok();
        present = true;
        boost::json::object& map = out.emplace_object();
        for (int i = 1;; ++i) {
          const std::string entry = key + ".entry." + std::to_string(i);
          auto k = params_.find(entry + ".key");
          if (k == params_.end()) break;
          boost::json::value value;
          bool found = false;
          HR_RETURN_IF_ERROR(Value(model_.shape(shape.element), entry + ".value", value, found));
          map[k->second] = found ? std::move(value) : boost::json::value(nullptr);
        }
        return Status::Ok();
      }
      default: break;
    }
    auto it = params_.find(key);
    if (it == params_.end()) return Status::Ok();
    present = true;
    return Scalar(shape, key, it->second, out);
  }

  static Status Scalar(const Shape& shape, const std::string& key, const std::string& text,
                       boost::json::value& out) {
    const auto bad = [&] {
      return Status(ErrorCode::kInvalidParameter,
                    "Invalid value '" + text + "' for parameter " + key + ".");
    };
    switch (shape.type) {
      case ShapeType::kInteger:
      case ShapeType::kLong: {
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size()) return bad();
        out = v;
        return Status::Ok();
      }
      case ShapeType::kDouble:
      case ShapeType::kFloat: {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) return bad();
        out = v;
        return Status::Ok();
      }
      case ShapeType::kBoolean:
        if (text != "true" && text != "false") return bad();
        out = text == "true";
        return Status::Ok();
      case ShapeType::kTimestamp: {
        if (std::optional<Timestamp> t = ParseIsoTimestamp(text)) {
          out = static_cast<double>(t->unix_nanos()) / 1e9;
          return Status::Ok();
        }
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !TimestampFromUnixSeconds(v)) return bad();
        out = v;
        return Status::Ok();
      }
      default:
        out = text;
        return Status::Ok();
    }
  }

  const ServiceModel& model_;
  const Params& params_;
};

void AppendXmlText(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += "&#xFFFD;";
        } else {
          out.push_back(c);
        }
    }
  }
}

std::string NumberText(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

class Writer {
 public:
  Writer(const ServiceModel& model, std::string& out) : model_(model), out_(out) {}

  void Members(const Shape& shape, const boost::json::object& object) {
    for (const Member& m : model_.MembersOf(shape)) {
      auto it = object.find(m.wire_name);
      if (it == object.end() || it->value().is_null()) continue;
      Element(m.wire_name, model_.shape(m.shape), it->value());
    }
  }

 private:
  void Element(std::string_view name, const Shape& shape, const boost::json::value& value) {
    out_ += '<';
    out_ += name;
    out_ += '>';
    Content(shape, value);
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  void Content(const Shape& shape, const boost::json::value& value) {
    switch (shape.type) {
      case ShapeType::kStructure:
        if (value.is_object()) Members(shape, value.get_object());
        return;
      case ShapeType::kList:
        if (value.is_array()) {
          for (const boost::json::value& item : value.get_array()) {
            Element("member", model_.shape(shape.element), item);
          }
        }
        return;
      case ShapeType::kMap:
        if (value.is_object()) {
          for (const auto& kv : value.get_object()) {
            out_ += "<entry><key>";
            AppendXmlText(out_, kv.key());
            out_ += "</key>";
            Element("value", model_.shape(shape.element), kv.value());
            out_ += "</entry>";
          }
        }
        return;
      case ShapeType::kTimestamp:
        if (value.is_number()) {
          const double seconds = value.to_number<double>();
          out_ += FormatIsoMillis(Timestamp::FromUnixNanos(static_cast<std::int64_t>(seconds * 1e3) * 1'000'000));
          return;
        }
        break;
      default: break;
    }
    if (value.is_string()) {
      AppendXmlText(out_, value.get_string());
    } else if (value.is_bool()) {
      out_ += value.get_bool() ? "true" : "false";
    } else if (value.is_int64()) {
      out_ += std::to_string(value.get_int64());
    } else if (value.is_uint64()) {
      out_ += std::to_string(value.get_uint64());
    } else if (value.is_double()) {
      out_ += NumberText(value.get_double());
    }
  }

  const ServiceModel& model_;
  std::string& out_;
};

}  // namespace

StatusOr<QueryRequest> DecodeQueryRequest(const ServiceModel& model, std::string_view body) {
  const Params params = ParseForm(body);
  QueryRequest request;
  if (auto it = params.find("Action"); it != params.end()) request.action = it->second;
  if (auto it = params.find("Version"); it != params.end()) request.version = it->second;
  if (request.action.empty()) return request;
  const Operation* op = model.FindOperation(request.action);
  if (!op) {
    return Status(ErrorCode::kNotFound, "Could not find operation " + request.action +
                                            " for version " + request.version);
  }
  if (op->input != kNone) {
    HR_RETURN_IF_ERROR(Reader(model, params).Structure(model.shape(op->input), "", request.input));
  }
  return request;
}

std::string EncodeQueryResponse(const ServiceModel& model, const Operation& operation,
                                const boost::json::object& output, std::string_view request_id) {
  std::string out;
  out.reserve(256);
  out += '<';
  out += operation.name;
  out += "Response xmlns=\"";
  out += model.xml_namespace;
  out += "\">";
  if (!operation.result_wrapper.empty()) {
    out += '<';
    out += operation.result_wrapper;
    out += '>';
    if (operation.output != kNone) Writer(model, out).Members(model.shape(operation.output), output);
    out += "</";
    out += operation.result_wrapper;
    out += '>';
  }
  out += "<ResponseMetadata><RequestId>";
  AppendXmlText(out, request_id);
  out += "</RequestId></ResponseMetadata></";
  out += operation.name;
  out += "Response>";
  return out;
}

std::string EncodeQueryError(const ServiceModel& model, const RpcError& error,
                             std::string_view message, std::string_view request_id) {
  std::string out = "<ErrorResponse xmlns=\"";
  out += model.xml_namespace;
  out += "\"><Error><Type>";
  out += error.sender_fault ? "Sender" : "Receiver";
  out += "</Type><Code>";
  AppendXmlText(out, error.code);
  out += "</Code><Message>";
  AppendXmlText(out, message);
  out += "</Message></Error><RequestId>";
  AppendXmlText(out, request_id);
  out += "</RequestId></ErrorResponse>";
  return out;
}

}  // namespace hr::wire
