#pragma once
// TraceReader: replays a CSV trace of invocations, streamed in fixed-size chunks so that a
// trace of any length never has to fit in memory.
//
// Each line is `timestamp,function[,duration_ms]`: the arrival in seconds from the start of
// the simulation (a decimal number), the function's name as the workload declares it, and
// optionally how long that invocation runs, in milliseconds (otherwise the function's
// duration distribution is drawn). A first line that does not start with a number is a
// header and is skipped; blank lines are skipped. Timestamps must not decrease.
//
// Who calls it: sim/simulation.h. Next() does no allocation once the reader is open (names
// are looked up in a map given at Open, without building a string). Not thread-safe.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hr::sim {

struct TraceRecord {
  std::int64_t at = 0;           // ns from the start of the simulation
  std::uint32_t function = 0;    // index, as `lookup` gave it
  std::int64_t duration = -1;    // ns; -1: none given
};

class TraceReader {
 public:
  // Returns the function index of `name`, or -1 when the workload has no such function.
  using Lookup = std::function<std::int64_t(std::string_view name)>;

  TraceReader() = default;
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  // Opens `path` ("-" is standard input). Errors: kInvalidParameter "cannot open trace ...".
  Status Open(const std::string& path, Lookup lookup);
  // The next record into `out`; false at the end of the trace or on an error (then
  // status() says which line is wrong: "trace.csv:12: unknown function 'x'").
  bool Next(TraceRecord& out);
  const Status& status() const { return status_; }
  std::uint64_t line() const { return line_; }

 private:
  // The next line without its newline; false at end of file.
  bool ReadLine(std::string_view& line);
  bool Fail(std::string message);

  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::string path_;
  Lookup lookup_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes: buffer_[begin_, end_)
  bool eof_ = false;
  std::uint64_t line_ = 0;
  std::int64_t last_at_ = 0;
  Status status_;
};

}  // namespace hr::sim
