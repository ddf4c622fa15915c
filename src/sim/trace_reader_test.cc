#include "sim/trace_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

namespace hr::sim {
namespace {

struct Read {
  std::vector<TraceRecord> records;
  Status status;
};

std::string TempDirPath() { return ::testing::TempDir() + "/trace_reader_test.csv"; }

Read ReadTrace(const std::string& text) {
  const std::string path = TempDirPath();
  std::ofstream(path, std::ios::binary) << text;
  TraceReader reader;
  Read out;
  EXPECT_TRUE(reader.Open(path, [](std::string_view name) -> std::int64_t {
                      return name == "a" ? 0 : name == "b" ? 1 : -1;
                    }).ok());
  TraceRecord r;
  while (reader.Next(r)) out.records.push_back(r);
  out.status = reader.status();
  return out;
}

TEST(TraceReader, ReadsPlainDecimalsExactlyToTheNanosecond) {
  const Read r = ReadTrace("timestamp,function,duration_ms\n0.000100,a\n1.5,b,12.25\n\n2,a,0.0000015\r\n3.0000000015,b, 7 \n");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0].at, 100'000);
  EXPECT_EQ(r.records[0].function, 0u);
  EXPECT_EQ(r.records[0].duration, -1);
  EXPECT_EQ(r.records[1].at, 1'500'000'000);
  EXPECT_EQ(r.records[1].function, 1u);
  EXPECT_EQ(r.records[1].duration, 12'250'000);
  EXPECT_EQ(r.records[2].at, 2'000'000'000);
  EXPECT_EQ(r.records[2].duration, 2);  // 1.5 ns rounds half up
  EXPECT_EQ(r.records[3].at, 3'000'000'002);
  EXPECT_EQ(r.records[3].duration, 7'000'000);
}

TEST(TraceReader, OtherNumberFormsGoThroughADouble) {
  const Read r = ReadTrace("1e-3,a,2.5e1\n.5,b,1e12\n");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].at, 1'000'000);
  EXPECT_EQ(r.records[0].duration, 25'000'000);
  EXPECT_EQ(r.records[1].at, 500'000'000);
  EXPECT_EQ(r.records[1].duration, 1'000'000'000'000'000'000);
}

TEST(TraceReader, ManyLinesAndNamesLongAndShortAcrossBatches) {
  // More lines than several batches hold, with names of 1 to 20 bytes: the short ones are
  // remembered, the long ones looked up every time, and both give the workload's index.
  const std::vector<std::string> names = {"a", "ab", "abcdefgh", "abcdefghi", "a-twenty-byte-name-x"};
  const std::string path = TempDirPath();
  const std::size_t lines = 5 * TraceReader::kBatch + 17;
  {
    std::ofstream out(path, std::ios::binary);
    for (std::size_t i = 0; i < lines; ++i) out << i << "," << names[i * 7 % names.size()] << "\n";
  }
  TraceReader reader;
  ASSERT_TRUE(reader.Open(path, [&](std::string_view name) -> std::int64_t {
                      for (std::size_t i = 0; i < names.size(); ++i) {
                        if (names[i] == name) return static_cast<std::int64_t>(i);
                      }
                      return -1;
                    }).ok());
  TraceRecord r;
  std::size_t n = 0;
  while (reader.Next(r)) {
    ASSERT_EQ(r.at, static_cast<std::int64_t>(n) * 1'000'000'000);
    ASSERT_EQ(r.function, n * 7 % names.size());
    ++n;
  }
  EXPECT_TRUE(reader.status().ok()) << reader.status().message();
  EXPECT_EQ(n, lines);
}

TEST(TraceReader, RecordsBeforeABadLineComeFirst) {
  std::string text;
  for (int i = 0; i < 20'000; ++i) text += std::to_string(i) + ",a\n";
  text += "20000,abc\n";  // short, unknown
  const Read r = ReadTrace(text);
  EXPECT_EQ(r.records.size(), 20'000u);
  EXPECT_EQ(r.status.message(), TempDirPath() + ":20001: unknown function 'abc'");
}

TEST(TraceReader, StopsWhenDestroyedBeforeTheEnd) {
  const std::string path = TempDirPath();
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 100'000; ++i) out << i << ",a\n";
  }
  TraceReader reader;
  ASSERT_TRUE(reader.Open(path, [](std::string_view) -> std::int64_t { return 0; }).ok());
  TraceRecord r;
  ASSERT_TRUE(reader.Next(r));
  EXPECT_EQ(r.at, 0);
  // The destructor stops the parser, which is still ahead of us, and joins it.
}

TEST(TraceReader, BadLinesSayWhichAndWhy) {
  EXPECT_EQ(ReadTrace("0,a\nx,a\n").status.message(), TempDirPath() + ":2: the timestamp 'x' is not a number of seconds");
  EXPECT_EQ(ReadTrace("1000000001,a\n").status.message(), TempDirPath() + ":1: the timestamp must be from 0 to 1e9 seconds");
  EXPECT_EQ(ReadTrace("-1,a\n").status.message(), TempDirPath() + ":1: the timestamp must be from 0 to 1e9 seconds");
  EXPECT_EQ(ReadTrace("nan,a\n1,a\nnan,a\n").status.message(), TempDirPath() + ":3: the timestamp 'nan' is not a number of seconds");
  EXPECT_EQ(ReadTrace("1,c\n").status.message(), TempDirPath() + ":1: unknown function 'c'");
  EXPECT_EQ(ReadTrace("2,a\n1,a\n").status.message(), TempDirPath() + ":2: timestamps must not decrease");
  EXPECT_EQ(ReadTrace("1,a,-3\n").status.message(), TempDirPath() + ":1: the duration '-3' is not a number of milliseconds");
  EXPECT_EQ(ReadTrace("1,a,1e13\n").status.message(), TempDirPath() + ":1: the duration '1e13' is not a number of milliseconds");
  EXPECT_EQ(ReadTrace("1,a,5ms\n").status.message(), TempDirPath() + ":1: the duration '5ms' is not a number of milliseconds");
  EXPECT_EQ(ReadTrace("1,a\n2\n").status.message(), TempDirPath() + ":2: expected timestamp,function[,duration_ms]");
}

}  // namespace
}  // namespace hr::sim
