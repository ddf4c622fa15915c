#include "wire/json_response.h"

#include <limits>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace hr::wire {
namespace {

TEST(JsonResponseTest, EscapesStrings) {
  std::string out;
  AppendJsonString(&out, "a\"b\\c\n\x01/é");
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001/é")");
}

TEST(JsonResponseTest, WritesObjectsInCallOrder) {
  std::string out;
  JsonObjectWriter(&out)
      .String("b", "x")
      .Int("a", -42)
      .Int("max", std::numeric_limits<std::int64_t>::max())
      .Bool("t", true)
      .Bool("f", false)
      .Null("n")
      .Raw("o", R"({"k":[1]})")
      .Close();
  EXPECT_EQ(out,
            R"({"b":"x","a":-42,"max":9223372036854775807,"t":true,"f":false,"n":null,)"
            R"("o":{"k":[1]}})");
  EXPECT_NO_THROW(boost::json::parse(out));
}

TEST(JsonResponseTest, DoublesAreShortestRoundTrip) {
  std::string out;
  JsonObjectWriter(&out).Double("w", 0.2).Double("t", 1573686021.479).Double("one", 1).Close();
  EXPECT_EQ(out, R"({"w":0.2,"t":1573686021.479,"one":1})");
}

TEST(JsonResponseTest, IllFormedUtf8BecomesReplacementCharacters) {
  std::string out;
  // A stray byte, an overlong NUL, a surrogate, a truncated sequence; valid é and 😀 stay.
  AppendJsonString(&out, "a\xff" "b\xc0\x80" "c\xed\xa0\x80" "dé😀\xe2\x82");
  EXPECT_EQ(out, "\"a\uFFFD" "b\uFFFD\uFFFD" "c\uFFFD\uFFFD\uFFFD" "dé😀\uFFFD\uFFFD\"");
  EXPECT_NO_THROW(boost::json::parse(out));
}

TEST(JsonResponseTest, EmptyObject) {
  std::string out = "x";
  JsonObjectWriter(&out).Close();
  EXPECT_EQ(out, "x{}");
}

}  // namespace
}  // namespace hr::wire
