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
// Parsing runs on a thread of the reader's own, a few thousand records ahead of Next() (in
// batches of kBatch, at most kBatchesAhead of them waiting), so that a simulation and its
// trace's parsing use two cores; the records, their order and the errors are exactly those
// of reading the file in line order, so a simulation stays deterministic.
//
// Who calls it: sim/simulation.h. Next() does no allocation once the reader is open (names
// are looked up in a map given at Open, without building a string; batches are reused) and
// takes a lock only once per batch. Not thread-safe: one consumer. Destroying the reader
// stops its parser at the next chunk it reads (a pipe whose writer neither writes nor closes
// holds that up).

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
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

  // Opens `path` ("-" is standard input) and starts parsing it. Errors: kInvalidParameter
  // "cannot open trace ...".
  Status Open(const std::string& path, Lookup lookup);
  // The next record into `out`; false at the end of the trace or on an error (then
  // status() says which line is wrong: "trace.csv:12: unknown function 'x'").
  bool Next(TraceRecord& out) {
    if (next_ == batch_.size() && !NextBatch()) return false;
    out = batch_[next_++];
    return true;
  }
  const Status& status() const { return status_; }

  static constexpr std::size_t kBatch = 8192;
  static constexpr std::size_t kBatchesAhead = 4;

 private:
  struct Batch {
    std::vector<TraceRecord> records;
    bool last = false;  // the end of the trace, or an error (`status`)
    Status status;
  };

  // The consumer: takes the next batch, waiting for the parser. False when there is none.
  bool NextBatch();
  // The parser thread: parses the whole trace into batches.
  void ParseAll();
  // The next record in line order; false at the end or on an error (parse_status_).
  bool Parse(TraceRecord& out);
  // The next line without its newline; false at end of file.
  bool ReadLine(std::string_view& line);
  bool Fail(std::string message);
  // lookup_(name), remembered for names of up to 8 bytes (a trace names few functions, over
  // and over): each such name is one zero-padded word in an open-addressed table.
  std::int64_t LookUp(std::string_view name);
  bool StopRequested() {
    std::lock_guard lock(mu_);
    return stop_;
  }

  // Parser-side state (only the parser thread touches it once Open returns).
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::string path_;
  Lookup lookup_;
  struct ShortName {
    std::uint64_t word = 0;
    std::uint32_t size = 0;  // 0: an empty entry
    std::int64_t index = -1;
  };
  static constexpr std::size_t kShortNames = 1024;  // a power of two; at most half are filled
  std::vector<ShortName> short_names_;
  std::size_t short_names_used_ = 0;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes: buffer_[begin_, end_)
  bool eof_ = false;
  std::uint64_t line_ = 0;
  std::int64_t last_at_ = 0;
  Status parse_status_;

  // Between the two threads.
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Batch> ready_;                    // parsed, in order
  std::vector<std::vector<TraceRecord>> spare_;  // consumed, for reuse
  bool stop_ = false;
  std::thread parser_;

  // Consumer-side state.
  std::vector<TraceRecord> batch_;
  std::size_t next_ = 0;
  bool done_ = false;     // the last batch is taken
  Status final_status_;  // its status
  Status status_;        // final_status_ once Next() has returned false
};

}  // namespace hr::sim
