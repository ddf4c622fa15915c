#include "sim/timeline.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace hr::sim {
namespace {

void Append(std::string& line, std::int64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  line.push_back(',');
  line.append(buf, ptr);
}

// A CSV field: quoted when it holds a comma, quote or newline.
std::string Field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out(1, '"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

TimelineCsv::~TimelineCsv() {
  if (file_) std::fclose(file_);
}

Status TimelineCsv::Open(const std::string& path, const std::vector<std::string>& function_names) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) return Status(ErrorCode::kInternal, "cannot write " + path + ": " + std::strerror(errno));
  std::string header = "second,limit,claimed,unreserved,unreserved_busy,concurrent,invocations,throttles";
  for (const std::string& name : function_names) {
    header.push_back(',');
    header.append(Field(std::string("concurrency:").append(name)));
  }
  header += '\n';
  failed_ = std::fwrite(header.data(), 1, header.size(), file_) != header.size();
  return Status::Ok();
}

void TimelineCsv::Add(const SecondSample& s) {
  if (!file_) return;
  line_.clear();
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, s.second);
  line_.append(buf, ptr);
  for (std::int64_t v : {s.limit, s.claimed, s.unreserved, s.unreserved_busy, s.concurrent, s.invocations, s.throttles}) {
    Append(line_, v);
  }
  for (const FunctionSecond& f : s.functions) Append(line_, f.concurrency);
  line_.push_back('\n');
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) failed_ = true;
}

Status TimelineCsv::Close() {
  if (!file_) return Status::Ok();
  const bool bad = std::fclose(file_) != 0 || failed_;
  file_ = nullptr;
  if (bad) return Status(ErrorCode::kInternal, "cannot write " + path_);
  return Status::Ok();
}

void TimelineChart::Add(const SecondSample& s) {
  const std::int64_t bucket = s.second / width_ * width_;
  if (points_.empty() || points_.back().second != bucket) {
    if (points_.size() == max_points_) {
      // Halve the resolution: merge neighbours.
      std::vector<ChartPoint> merged;
      width_ *= 2;
      for (const ChartPoint& p : points_) {
        const std::int64_t b = p.second / width_ * width_;
        if (merged.empty() || merged.back().second != b) {
          merged.push_back(p);
          merged.back().second = b;
        } else {
          ChartPoint& m = merged.back();
          m.limit = std::max(m.limit, p.limit);
          m.claimed = std::max(m.claimed, p.claimed);
          m.concurrent = std::max(m.concurrent, p.concurrent);
          m.throttles += p.throttles;
          m.invocations += p.invocations;
        }
      }
      points_ = std::move(merged);
      Add(s);
      return;
    }
    points_.push_back({bucket, 0, 0, 0, 0, 0});
  }
  ChartPoint& p = points_.back();
  p.limit = std::max(p.limit, s.limit);
  p.claimed = std::max(p.claimed, s.claimed);
  p.concurrent = std::max(p.concurrent, s.concurrent);
  p.throttles += s.throttles;
  p.invocations += s.invocations;
}

}  // namespace hr::sim
