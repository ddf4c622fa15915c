#include "net/response_serializer.h"

#include <gtest/gtest.h>

namespace hr::net {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

std::string Head(const Response& response, const Framing& framing = {}) {
  std::string out;
  AppendHead(response, framing, kDate, &out);
  return out;
}

TEST(ResponseSerializerTest, WritesStatusHeadersDateAndLength) {
  Response response{200, {{"Content-Type", "application/json"}}, R"({"StatusCode":200})"};
  EXPECT_EQ(Head(response),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: application/json\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 18\r\n"
            "\r\n");
}

TEST(ResponseSerializerTest, ServerOwnsFramingHeaders) {
  Response response{429,
                    {{"content-length", "999"},
                     {"Transfer-Encoding", "chunked"},
                     {"DATE", "yesterday"},
                     {"Connection", "keep-alive"},
                     {"X-Amzn-ErrorType", "TooManyRequestsException"}},
                    "{}"};
  EXPECT_EQ(Head(response, {.close = true}),
            "HTTP/1.1 429 Too Many Requests\r\n"
            "X-Amzn-ErrorType: TooManyRequestsException\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 2\r\n"
            "Connection: close\r\n"
            "\r\n");
}

TEST(ResponseSerializerTest, DropsHeadersThatWouldSplitTheResponse) {
  Response response{200,
                    {{"X-Ok", "fine"},
                     {"X-Evil", "a\r\nSet-Cookie: x"},
                     {"X-Evil\r\nB", "b"},
                     {"", "empty name"},
                     {"X-Colon:", "c"},
                     {"X-Nul", std::string("a\0b", 3)}},
                    ""};
  EXPECT_EQ(Head(response),
            "HTTP/1.1 200 OK\r\n"
            "X-Ok: fine\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
}

TEST(ResponseSerializerTest, NoContentLengthFor204AndKeepAliveFor10) {
  EXPECT_EQ(Head(Response{204, {}, ""}, {.http10_keep_alive = true}),
            "HTTP/1.1 204 No Content\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Connection: keep-alive\r\n"
            "\r\n");
}

TEST(ResponseSerializerTest, UnknownStatusGetsAGenericReason) {
  EXPECT_EQ(Head(Response{299, {}, ""}).substr(0, 20), "HTTP/1.1 299 Status\r");
}

TEST(ResponseSerializerTest, SendsBodyRules) {
  EXPECT_TRUE(SendsBody(200, false));
  EXPECT_TRUE(SendsBody(413, false));
  EXPECT_FALSE(SendsBody(200, true));
  EXPECT_FALSE(SendsBody(204, false));
  EXPECT_FALSE(SendsBody(304, false));
  EXPECT_FALSE(SendsBody(100, false));
}

TEST(ResponseSerializerTest, AsksToCloseReadsConnectionTokens) {
  EXPECT_FALSE(AsksToClose(Response{}));
  EXPECT_FALSE(AsksToClose(Response{200, {{"Connection", "keep-alive"}}, ""}));
  EXPECT_FALSE(AsksToClose(Response{200, {{"X-Connection", "close"}}, ""}));
  EXPECT_FALSE(AsksToClose(Response{200, {{"Connection", "closed"}}, ""}));
  EXPECT_TRUE(AsksToClose(Response{200, {{"connection", "Close"}}, ""}));
  EXPECT_TRUE(AsksToClose(Response{200, {{"Connection", "upgrade, \tclose "}}, ""}));
}

}  // namespace
}  // namespace hr::net
