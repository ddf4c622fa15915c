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
