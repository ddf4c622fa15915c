#include "sim/report.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace hr::sim {
namespace {

boost::json::object Reasons(const std::array<std::uint64_t, kReasonCount>& counts) {
  boost::json::object o;
  for (std::size_t k = 1; k < kReasonCount; ++k) {
    if (counts[k] > 0) o[ThrottleReasonName(static_cast<ThrottleReason>(k))] = counts[k];
  }
  return o;
}

double Utilisation(const FunctionResult& f, std::int64_t seconds) {
  return f.provisioned > 0 && seconds > 0 ? f.provisioned_utilisation_sum / static_cast<double>(seconds) : 0;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Clock(std::int64_t second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(second / 3600),
                static_cast<long long>(second / 60 % 60), static_cast<long long>(second % 60));
  return buf;
}

// One line chart: several series over the chart's points, y from 0 to `top`.
struct Line {
  std::string colour;
  std::string label;
  std::vector<double> values;
  bool dashed = false;
};

constexpr double kWidth = 900, kHeight = 260, kLeft = 60, kRight = 20, kTop = 20, kBottom = 30;

std::string Axes(double top, std::int64_t first, std::int64_t last) {
  std::string svg;
  const double h = kHeight - kTop - kBottom;
  for (int i = 0; i <= 4; ++i) {
    const double y = kTop + h - h * i / 4;
    svg += "<line x1='" + Num(kLeft) + "' y1='" + Num(y) + "' x2='" + Num(kWidth - kRight) + "' y2='" + Num(y) +
           "' stroke='#ddd'/><text x='" + Num(kLeft - 6) + "' y='" + Num(y + 4) + "' text-anchor='end'>" +
           std::to_string(static_cast<long long>(top * i / 4)) + "</text>";
  }
  svg += "<text x='" + Num(kLeft) + "' y='" + Num(kHeight - 8) + "'>" + Clock(first) + "</text>";
  svg += "<text x='" + Num(kWidth - kRight) + "' y='" + Num(kHeight - 8) + "' text-anchor='end'>" + Clock(last) +
         "</text>";
  return svg;
}

std::string LineChart(const std::vector<Line>& lines, const std::vector<ChartPoint>& points, std::int64_t width) {
  double top = 1;
  for (const Line& l : lines) {
    for (double v : l.values) top = std::max(top, v);
  }
  top *= 1.1;
  const std::int64_t first = points.empty() ? 0 : points.front().second;
  const std::int64_t last = points.empty() ? 0 : points.back().second + width;
  std::string svg = "<svg viewBox='0 0 " + Num(kWidth) + " " + Num(kHeight) + "' class='chart'>" + Axes(top, first, last);
  const double w = kWidth - kLeft - kRight, h = kHeight - kTop - kBottom;
  const double span = static_cast<double>(std::max<std::int64_t>(1, last - first));
  double legend = kLeft + 10;
  for (const Line& l : lines) {
    std::string path;
    for (std::size_t i = 0; i < points.size() && i < l.values.size(); ++i) {
      const double x0 = kLeft + w * static_cast<double>(points[i].second - first) / span;
      const double x1 = kLeft + w * static_cast<double>(points[i].second + width - first) / span;
      const double y = kTop + h - h * l.values[i] / top;
      path += (path.empty() ? "M" : " L") + Num(x0) + " " + Num(y) + " L" + Num(x1) + " " + Num(y);
    }
    svg += "<path d='" + path + "' fill='none' stroke='" + l.colour + "' stroke-width='1.5'" +
           (l.dashed ? " stroke-dasharray='6 4'" : "") + "/>";
    svg += "<rect x='" + Num(legend) + "' y='6' width='12' height='3' fill='" + l.colour + "'/><text x='" +
           Num(legend + 16) + "' y='12'>" + Escape(l.label) + "</text>";
    legend += 30 + 7.0 * static_cast<double>(l.label.size());
  }
  return svg + "</svg>";
}

std::string BarChart(const std::vector<std::pair<std::string, std::int64_t>>& bars) {
  const double row = 22;
  const double height = kTop + row * static_cast<double>(bars.size()) + 10;
  std::int64_t top = 1;
  for (const auto& [name, v] : bars) top = std::max(top, v);
  std::string svg = "<svg viewBox='0 0 " + Num(kWidth) + " " + Num(height) + "' class='chart'>";
  const double left = 220, w = kWidth - left - 80;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double y = kTop + row * static_cast<double>(i);
    const double len = w * static_cast<double>(bars[i].second) / static_cast<double>(top);
    svg += "<text x='" + Num(left - 8) + "' y='" + Num(y + 14) + "' text-anchor='end'>" + Escape(bars[i].first) +
           "</text><rect x='" + Num(left) + "' y='" + Num(y + 2) + "' width='" + Num(len) +
           "' height='16' fill='#4c78a8'/><text x='" + Num(left + len + 6) + "' y='" + Num(y + 14) + "'>" +
           std::to_string(bars[i].second) + "</text>";
  }
  return svg + "</svg>";
}

}  // namespace

std::string ReportJson(const SimulationResult& r) {
  boost::json::object o;
  o["seed"] = r.seed;
  o["simulated_seconds"] = r.seconds;
  o["account"] = boost::json::object{{"limit_start", r.limit_start},
                                     {"limit_end", r.limit_end},
                                     {"unreserved_minimum", r.unreserved_minimum},
                                     {"allocated", r.allocated}};
  o["totals"] = boost::json::object{{"requests", r.requests},       {"admitted", r.admitted},
                                    {"throttled", r.throttled},     {"cold_starts", r.cold_starts},
                                    {"throttles_by_reason", Reasons(r.throttles_by_reason)}};
  o["peak"] = boost::json::object{{"claimed", r.peak_claimed},
                                  {"claimed_at_second", r.peak_claimed_second},
                                  {"limit_then", r.peak_claimed_limit},
                                  {"concurrent", r.peak_concurrent},
                                  {"unreserved_busy", r.peak_unreserved_busy}};
  boost::json::array functions;
  for (const FunctionResult& f : r.functions) {
    boost::json::object fo{{"name", f.name}};
    fo["reserved"] = f.reserved ? boost::json::value(*f.reserved) : boost::json::value(nullptr);
    fo["invoked"] = f.invoked.empty() ? boost::json::value(nullptr) : boost::json::value(f.invoked);
    fo["provisioned"] = f.provisioned;
    fo["requests"] = f.requests;
    fo["admitted"] = f.admitted;
    fo["throttled"] = f.throttled;
    fo["throttles_by_reason"] = Reasons(f.throttles_by_reason);
    fo["cold_starts"] = f.cold_starts;
    fo["warm_starts"] = f.warm_starts;
    fo["provisioned_starts"] = f.provisioned_starts;
    fo["spillover"] = f.spillover;
    fo["timeouts"] = f.timeouts;
    fo["peak_concurrency"] = f.peak_concurrency;
    fo["peak_provisioned_busy"] = f.peak_provisioned_busy;
    fo["provisioned_utilisation_mean"] = Utilisation(f, r.seconds);
    functions.push_back(std::move(fo));
  }
  o["functions"] = std::move(functions);
  boost::json::array alarms;
  for (const AlarmResult& a : r.alarms) {
    boost::json::array transitions;
    boost::json::value first_alarm = nullptr;
    for (const AlarmTransition& t : a.transitions) {
      transitions.push_back(boost::json::object{{"at_second", t.at_second},
                                                {"from", telemetry::AlarmStateName(t.from)},
                                                {"to", telemetry::AlarmStateName(t.to)},
                                                {"reason", t.reason}});
      if (first_alarm.is_null() && t.to == telemetry::AlarmState::kAlarm) first_alarm = t.at_second;
    }
    alarms.push_back(boost::json::object{
        {"name", a.name}, {"first_alarm_at_second", first_alarm}, {"transitions", std::move(transitions)}});
  }
  o["alarms"] = std::move(alarms);
  boost::json::array quota;
  for (const QuotaChange& q : r.quota_changes) {
    quota.push_back(boost::json::object{
        {"requested_at_second", q.requested_at_second},
        {"approved_at_second", q.approved_at_second < 0 ? boost::json::value(nullptr) : boost::json::value(q.approved_at_second)},
        {"from", q.from},
        {"to", q.to}});
  }
  o["quota_changes"] = std::move(quota);
  return boost::json::serialize(o) + "\n";
}

std::string ReportHtml(const SimulationResult& r, const TimelineChart& chart, const std::string& title) {
  const std::vector<ChartPoint>& points = chart.points();
  Line claimed{"#4c78a8", "claimed", {}}, limit{"#e45756", "limit", {}}, seventy{"#f58518", "70 % of limit", {}, true};
  Line throttles{"#e45756", "throttles per second", {}};
  for (const ChartPoint& p : points) {
    claimed.values.push_back(static_cast<double>(p.claimed));
    limit.values.push_back(static_cast<double>(p.limit));
    seventy.values.push_back(0.7 * static_cast<double>(p.limit));
    throttles.values.push_back(static_cast<double>(p.throttles) / static_cast<double>(chart.seconds_per_point()));
  }
  std::vector<std::pair<std::string, std::int64_t>> top;
  for (const FunctionResult& f : r.functions) top.push_back({f.name, f.peak_concurrency});
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > 10) top.resize(10);

  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>" + Escape(title) +
      "</title><style>body{font:14px sans-serif;margin:24px;max-width:960px}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
      "th:first-child,td:first-child{text-align:left}.chart{width:100%;height:auto}"
      "svg text{font:11px sans-serif;fill:#333}</style></head><body>\n";
  html += "<h1>" + Escape(title) + "</h1>\n<p>" + std::to_string(r.seconds) + " simulated seconds, seed " +
          std::to_string(r.seed) + ". " + std::to_string(r.requests) + " requests, " + std::to_string(r.admitted) +
          " admitted, " + std::to_string(r.throttled) + " throttled, " + std::to_string(r.cold_starts) +
          " cold starts. Peak claimed " + std::to_string(r.peak_claimed) + " of a limit of " +
          std::to_string(r.peak_claimed_limit) + " at " + Clock(r.peak_claimed_second) + ".</p>\n";
  html += "<h2>Claimed concurrency vs limit</h2>\n" + LineChart({limit, seventy, claimed}, points, chart.seconds_per_point());
  html += "<h2>Throttles over time</h2>\n" + LineChart({throttles}, points, chart.seconds_per_point());
  html += "<h2>Top consumers (peak concurrency)</h2>\n" + BarChart(top);
  html += "\n<h2>Functions</h2>\n<table><tr><th>function</th><th>RC</th><th>PC</th><th>requests</th><th>throttled</th>"
          "<th>cold starts</th><th>spillover</th><th>peak</th><th>PC utilisation</th></tr>\n";
  for (const FunctionResult& f : r.functions) {
    html += "<tr><td>" + Escape(f.name) + "</td><td>" + (f.reserved ? std::to_string(*f.reserved) : "-") + "</td><td>" +
            std::to_string(f.provisioned) + "</td><td>" + std::to_string(f.requests) + "</td><td>" +
            std::to_string(f.throttled) + "</td><td>" + std::to_string(f.cold_starts) + "</td><td>" +
            std::to_string(f.spillover) + "</td><td>" + std::to_string(f.peak_concurrency) + "</td><td>" +
            (f.provisioned > 0 ? Num(100 * Utilisation(f, r.seconds)) + " %" : "-") + "</td></tr>\n";
  }
  html += "</table>\n";
  if (!r.alarms.empty()) {
    html += "<h2>Alarms</h2>\n<table><tr><th>alarm</th><th>at</th><th>state</th><th>reason</th></tr>\n";
    for (const AlarmResult& a : r.alarms) {
      for (const AlarmTransition& t : a.transitions) {
        html += "<tr><td>" + Escape(a.name) + "</td><td>" + Clock(t.at_second) + "</td><td>" +
                std::string(telemetry::AlarmStateName(t.to)) + "</td><td style='text-align:left'>" + Escape(t.reason) +
                "</td></tr>\n";
      }
    }
    html += "</table>\n";
  }
  if (!r.quota_changes.empty()) {
    html += "<h2>Quota increases</h2>\n<table><tr><th>requested</th><th>approved</th><th>from</th><th>to</th></tr>\n";
    for (const QuotaChange& q : r.quota_changes) {
      html += "<tr><td>" + Clock(q.requested_at_second) + "</td><td>" +
              (q.approved_at_second < 0 ? std::string("-") : Clock(q.approved_at_second)) + "</td><td>" +
              std::to_string(q.from) + "</td><td>" + std::to_string(q.to) + "</td></tr>\n";
    }
    html += "</table>\n";
  }
  return html + "</body></html>\n";
}

std::string SummaryTable(const SimulationResult& r) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line,
                "simulated %lld s (seed %llu): %llu requests, %llu admitted, %llu throttled, %llu cold starts\n"
                "limit %lld -> %lld, allocated %lld, peak claimed %lld (limit %lld) at %s, peak concurrent %lld\n\n",
                static_cast<long long>(r.seconds), static_cast<unsigned long long>(r.seed),
                static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.admitted),
                static_cast<unsigned long long>(r.throttled), static_cast<unsigned long long>(r.cold_starts),
                static_cast<long long>(r.limit_start), static_cast<long long>(r.limit_end),
                static_cast<long long>(r.allocated), static_cast<long long>(r.peak_claimed),
                static_cast<long long>(r.peak_claimed_limit), Clock(r.peak_claimed_second).c_str(), static_cast<long long>(r.peak_concurrent));
  out += line;
  std::snprintf(line, sizeof line, "%-24s %6s %6s %10s %10s %8s %9s %6s %7s  %s\n", "FUNCTION", "RC", "PC", "REQUESTS",
                "THROTTLED", "COLD", "SPILLOVER", "PEAK", "PC UTIL", "THROTTLE REASONS");
  out += line;
  for (const FunctionResult& f : r.functions) {
    std::string reasons;
    for (std::size_t k = 1; k < kReasonCount; ++k) {
      if (f.throttles_by_reason[k] > 0) {
        reasons += (reasons.empty() ? "" : ", ") + std::string(ThrottleReasonName(static_cast<ThrottleReason>(k))) +
                   " " + std::to_string(f.throttles_by_reason[k]);
      }
    }
    std::snprintf(line, sizeof line, "%-24s %6s %6lld %10llu %10llu %8llu %9llu %6lld %7s  %s\n", f.name.c_str(),
                  f.reserved ? std::to_string(*f.reserved).c_str() : "-", static_cast<long long>(f.provisioned),
                  static_cast<unsigned long long>(f.requests), static_cast<unsigned long long>(f.throttled),
                  static_cast<unsigned long long>(f.cold_starts), static_cast<unsigned long long>(f.spillover),
                  static_cast<long long>(f.peak_concurrency),
                  f.provisioned > 0 ? (Num(100 * Utilisation(f, r.seconds)) + "%").c_str() : "-", reasons.c_str());
    out += line;
  }
  for (const AlarmResult& a : r.alarms) {
    for (const AlarmTransition& t : a.transitions) {
      std::snprintf(line, sizeof line, "alarm %s: %s at %s\n", a.name.c_str(),
                    std::string(telemetry::AlarmStateName(t.to)).c_str(), Clock(t.at_second).c_str());
      out += line;
    }
  }
  for (const QuotaChange& q : r.quota_changes) {
    std::snprintf(line, sizeof line, "quota increase %lld -> %lld requested at %s, %s\n", static_cast<long long>(q.from),
                  static_cast<long long>(q.to), Clock(q.requested_at_second).c_str(),
                  q.approved_at_second < 0 ? "not approved before the end"
                                           : ("approved at " + Clock(q.approved_at_second)).c_str());
    out += line;
  }
  return out;
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status(ErrorCode::kInternal, "cannot write " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return Status(ErrorCode::kInternal, "cannot write " + path);
  return Status::Ok();
}

}  // namespace hr::sim
