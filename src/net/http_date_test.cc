#include "net/http_date.h"

#include <gtest/gtest.h>

namespace hr::net {
namespace {

TEST(HttpDateTest, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(HttpDateTest, CurrentDateHasTheFixedLength) {
  EXPECT_EQ(CurrentHttpDate().size(), 29u);
  EXPECT_EQ(CurrentHttpDate().substr(25), " GMT");
}

}  // namespace
}  // namespace hr::net
