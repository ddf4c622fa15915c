#include "base/status.h"

#include <gtest/gtest.h>

namespace hr {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2) return Status(ErrorCode::kInvalidParameter, "odd");
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  HR_ASSIGN_OR_RETURN(int h, Half(x));
  HR_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  HR_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkIsDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesCodeAndExactMessage) {
  Status s(ErrorCode::kNotFound, "Function not found: x");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.message(), "Function not found: x");
  EXPECT_EQ(s.ToString(), "NotFound: Function not found: x");
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).code(), ErrorCode::kInvalidParameter);
}

}  // namespace
}  // namespace hr
