#include "sim/trace_reader.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <algorithm>

namespace hr::sim {
namespace {

constexpr std::size_t kChunk = 1 << 20;  // 1 MiB per read; a line may not be longer

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseNumber(std::string_view s, double& out) {
  s = Trim(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

// A number of units (seconds, milliseconds) into whole nanoseconds, `scale` = 9 or 6 being the
// nanoseconds' decimal places in a unit, at most `maximum` units. Plain decimals ("12",
// "0.000100") are read digit by digit, exactly (a 10th decimal place of seconds rounds half
// up); any other form from_chars accepts ("1e-3") goes through a double. False when `s` is not
// a number in [0, maximum].
bool ParseScaled(std::string_view s, int scale, double maximum, std::int64_t& nanos) {
  s = Trim(s);
  std::size_t i = 0;
  std::int64_t whole = 0;
  while (i < s.size() && i < 12 && s[i] >= '0' && s[i] <= '9') whole = whole * 10 + (s[i++] - '0');
  if (i > 0 && i < 12) {
    std::int64_t fraction = 0;
    int places = 0;
    bool round_up = false;
    std::size_t j = i;
    if (j < s.size() && s[j] == '.') {
      for (++j; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) {
        if (places < scale) {
          fraction = fraction * 10 + (s[j] - '0');
          ++places;
        } else if (places == scale) {
          round_up = s[j] >= '5';
          ++places;
        }
      }
    }
    if (j == s.size() && static_cast<double>(whole) <= maximum) {
      for (int p = std::min(places, scale); p < scale; ++p) fraction *= 10;
      std::int64_t unit = 1;
      for (int p = 0; p < scale; ++p) unit *= 10;
      nanos = whole * unit + fraction + (round_up ? 1 : 0);
      return static_cast<double>(nanos) <= maximum * static_cast<double>(unit);
    }
  }
  double value = 0;
  if (!ParseNumber(s, value) || !(value >= 0 && value <= maximum)) return false;
  nanos = static_cast<std::int64_t>(std::llround(value * std::pow(10.0, scale)));
  return true;
}

}  // namespace

TraceReader::~TraceReader() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (parser_.joinable()) parser_.join();
  if (file_ && owns_file_) std::fclose(file_);
}

Status TraceReader::Open(const std::string& path, Lookup lookup) {
  path_ = path;
  lookup_ = std::move(lookup);
  if (path == "-") {
    file_ = stdin;
  } else {
    file_ = std::fopen(path.c_str(), "rb");
    owns_file_ = true;
  }
  if (!file_) {
    status_ = Status(ErrorCode::kInvalidParameter, "cannot open trace " + path + ": " + std::strerror(errno));
    final_status_ = status_;
    done_ = true;
    return status_;
  }
  buffer_.resize(2 * kChunk);
  short_names_.resize(kShortNames);
  parser_ = std::thread([this] { ParseAll(); });
  return Status::Ok();
}

bool TraceReader::NextBatch() {
  if (done_) {
    status_ = final_status_;  // only once every record before the error is taken
    return false;
  }
  std::unique_lock lock(mu_);
  spare_.push_back(std::move(batch_));
  changed_.notify_all();
  changed_.wait(lock, [&] { return !ready_.empty(); });
  Batch b = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  batch_ = std::move(b.records);
  next_ = 0;
  if (b.last) {
    done_ = true;
    final_status_ = std::move(b.status);
  }
  if (batch_.empty()) return NextBatch();
  return true;
}

void TraceReader::ParseAll() {
  while (true) {
    std::vector<TraceRecord> records;
    {
      std::unique_lock lock(mu_);
      changed_.wait(lock, [&] { return stop_ || ready_.size() < kBatchesAhead; });
      if (stop_) return;
      if (!spare_.empty()) {
        records = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    records.clear();
    records.reserve(kBatch);
    TraceRecord r;
    bool more = true;
    while (records.size() < kBatch && (more = Parse(r))) records.push_back(r);
    {
      std::lock_guard lock(mu_);
      ready_.push_back({std::move(records), !more, parse_status_});
    }
    changed_.notify_all();
    if (!more) return;
  }
}

std::int64_t TraceReader::LookUp(std::string_view name) {
  if (name.empty() || name.size() > sizeof(std::uint64_t)) return lookup_(name);
  std::uint64_t word = 0;
  std::memcpy(&word, name.data(), name.size());
  const std::size_t mask = kShortNames - 1;
  for (std::size_t i = (word * 0x9E3779B97F4A7C15ull) >> 54;; i = (i + 1) & mask) {
    ShortName& entry = short_names_[i];
    if (entry.size == name.size() && entry.word == word) return entry.index;
    if (entry.size == 0) {
      const std::int64_t index = lookup_(name);
      if (2 * short_names_used_ < kShortNames) {
        entry = {word, static_cast<std::uint32_t>(name.size()), index};
        ++short_names_used_;
      }
      return index;
    }
  }
}

bool TraceReader::Fail(std::string message) {
  parse_status_ = Status(ErrorCode::kInvalidParameter, path_ + ":" + std::to_string(line_) + ": " + std::move(message));
  return false;
}

bool TraceReader::ReadLine(std::string_view& line) {
  while (true) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl) {
      const char* stop = static_cast<const char*>(nl);
      line = std::string_view(start, static_cast<std::size_t>(stop - start));
      begin_ += line.size() + 1;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      line = std::string_view(start, end_ - begin_);  // a last line without newline
      begin_ = end_;
      return true;
    }
    // Move the partial line to the front and read another chunk after it.
    const std::size_t partial = end_ - begin_;
    if (partial >= kChunk) {
      parse_status_ = Status(ErrorCode::kInvalidParameter,
                       path_ + ":" + std::to_string(line_ + 1) + ": line longer than 1 MiB");
      return false;
    }
    std::memmove(buffer_.data(), start, partial);
    begin_ = 0;
    end_ = partial;
    if (StopRequested()) return false;
    const std::size_t got = std::fread(buffer_.data() + end_, 1, kChunk, file_);
    end_ += got;
    if (got < kChunk) eof_ = true;
  }
}

bool TraceReader::Parse(TraceRecord& out) {
  if (!parse_status_.ok()) return false;
  std::string_view line;
  while (ReadLine(line)) {
    ++line_;
    if (Trim(line).empty()) continue;
    const std::size_t c1 = line.find(',');
    if (c1 == std::string_view::npos) {
      if (line_ == 1) continue;  // a header
      return Fail("expected timestamp,function[,duration_ms]");
    }
    std::int64_t at = 0;
    if (!ParseScaled(line.substr(0, c1), 9, 1e9, at)) {
      double seconds = 0;
      if (!ParseNumber(line.substr(0, c1), seconds)) {
        if (line_ == 1) continue;  // a header
        return Fail("the timestamp '" + std::string(Trim(line.substr(0, c1))) + "' is not a number of seconds");
      }
      return Fail("the timestamp must be from 0 to 1e9 seconds");
    }
    std::string_view rest = line.substr(c1 + 1);
    const std::size_t c2 = rest.find(',');
    const std::string_view name = Trim(rest.substr(0, c2));
    const std::int64_t index = LookUp(name);
    if (index < 0) return Fail("unknown function '" + std::string(name) + "'");
    out.at = at;
    if (out.at < last_at_) return Fail("timestamps must not decrease");
    last_at_ = out.at;
    out.function = static_cast<std::uint32_t>(index);
    out.duration = -1;
    if (c2 != std::string_view::npos) {
      const std::string_view d = rest.substr(c2 + 1);
      if (!Trim(d).empty()) {
        std::int64_t duration = 0;
        if (!ParseScaled(d, 6, 1e12, duration)) {
          return Fail("the duration '" + std::string(Trim(d)) + "' is not a number of milliseconds");
        }
        out.duration = duration;
      }
    }
    return true;
  }
  return false;
}

}  // namespace hr::sim
