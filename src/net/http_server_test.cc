#include "net/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/beast_parser.h"
#include "net/io_pool.h"

namespace hr::net {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using HttpResponse = http::response<http::string_body>;

constexpr std::string_view kJson = R"({"StatusCode":200})";

// A blocking test client on a raw socket, with a receive timeout so that a broken server fails
// the test instead of hanging it.
class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::milliseconds timeout = 3s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { Close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  std::uint16_t local_port() const {
    sockaddr_in address{};
    socklen_t size = sizeof(address);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
  }

  // Returns false if the peer refused some of the bytes (closed, reset or timed out).
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One whole response, or nullopt on end of stream, error or timeout first.
  std::optional<HttpResponse> Read(bool head_request = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (head_request) parser.skip(true);
    for (;;) {
      if (!pending_.empty()) {
        boost::system::error_code ec;
        const std::size_t used = parser.put(boost::asio::buffer(pending_), ec);
        pending_.erase(0, used);
        if (ec && ec != http::error::need_more) return std::nullopt;
        if (parser.is_done()) return parser.release();
        if (used > 0 && !ec) continue;
      }
      if (!Receive()) return std::nullopt;
    }
  }

  // True if the server closes the connection (end of stream or reset) before the timeout,
  // discarding anything it sends first.
  bool Closed() {
    pending_.clear();
    while (Receive()) pending_.clear();
    return errno_ == 0 || errno_ == ECONNRESET;
  }

  // True if bytes (or the end of the stream) are waiting to be read.
  bool Readable() {
    pollfd entry{fd_, POLLIN, 0};
    return !pending_.empty() || ::poll(&entry, 1, 0) > 0;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  // Appends what arrives to pending_. False on end of stream (errno_ 0) or an error.
  bool Receive() {
    char chunk[16 * 1024];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      pending_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    errno_ = n == 0 ? 0 : errno;
    return false;
  }

  int fd_ = -1;
  bool connected_ = false;
  int errno_ = 0;
  std::string pending_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: test\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

Response Json(std::string body, unsigned status = 200) {
  return Response{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 2s) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// Answers every request with its target as the body; POST echoes the body.
void Echo(Request&& request, Responder responder) {
  responder.Send(Json(request.Verb() == http::verb::post ? request.TakeBody()
                                                          : std::string(request.Target())));
}

class HttpServerTest : public ::testing::Test {
 protected:
  ~HttpServerTest() override {
    // The server goes first: threads still holding Responders then answer a stopped server,
    // which must be harmless.
    server_.reset();
    for (std::thread& thread : threads_) thread.join();
  }

  // Starts a server with `handler` (Echo by default) on an ephemeral port.
  HttpServer& StartServer(ServerOptions options = {}) {
    if (!options.handler) options.handler = Echo;
    options.io_threads = 2;
    server_ = std::make_unique<HttpServer>(std::move(options));
    const auto ec = server_->Start();
    EXPECT_FALSE(ec) << ec.message();
    return *server_;
  }

  std::uint16_t port() const { return server_->port(); }

  // Runs `fn` on a new thread, joined when the test ends. Any thread.
  template <typename Fn>
  void Spawn(Fn fn) {
    std::lock_guard<std::mutex> lock(threads_mu_);
    threads_.emplace_back(std::move(fn));
  }

  std::unique_ptr<HttpServer> server_;
  std::mutex threads_mu_;
  std::vector<std::thread> threads_;
};

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  std::mutex mu;
  std::vector<std::uint16_t> peer_ports;
  ServerOptions options;
  options.handler = [&](Request&& request, Responder responder) {
    {
      std::lock_guard<std::mutex> lock(mu);
      peer_ports.push_back(request.Remote().port());
    }
    responder.Send(Json(std::string(kJson)));
  };
  HttpServer& server = StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(Get("/")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body(), kJson);
    EXPECT_EQ((*response)[http::field::content_length], "18");
    EXPECT_EQ((*response)[http::field::content_type], "application/json");
    EXPECT_FALSE((*response)[http::field::date].empty());
    EXPECT_TRUE(response->keep_alive());
  }
  EXPECT_EQ(server.connections(), 1u);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(peer_ports, std::vector<std::uint16_t>(3, client.local_port()));
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  std::atomic<bool> slow_answered{false};
  std::atomic<bool> next_seen_before_answer{false};
  ServerOptions options;
  options.handler = [&](Request&& request, Responder responder) {
    if (request.Target() == "/slow") {
      Spawn([&slow_answered, responder = std::move(responder)]() mutable {
        std::this_thread::sleep_for(100ms);
        slow_answered = true;
        responder.Send(Json("/slow"));
      });
      return;
    }
    if (!slow_answered) next_seen_before_answer = true;
    responder.Send(Json(std::string(request.Target())));
  };
  StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(Get("/slow") + Get("/a") + Post("/b", "x") + Get("/c")));
  for (const char* expected : {"/slow", "/a", "/b", "/c"}) {
    auto response = client.Read();
    ASSERT_TRUE(response) << expected;
    EXPECT_EQ(response->body(), expected);
  }
  EXPECT_FALSE(next_seen_before_answer);  // /a was not read before /slow was answered
}

TEST_F(HttpServerTest, DeferredResponseFromAnotherThread) {
  ServerOptions options;
  options.handler = [&](Request&& request, Responder responder) {
    Spawn(
        [body = request.TakeBody(), responder = std::move(responder)]() mutable {
          std::this_thread::sleep_for(30ms);
          responder.Send(Response{202, {{"X-Later", "yes"}}, "later:" + body});
        });
  };
  StartServer(std::move(options));
  Client client(port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.Send(Post("/invoke", "payload")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 202u);
    EXPECT_EQ((*response)["X-Later"], "yes");
    EXPECT_EQ(response->body(), "later:payload");
  }
}

TEST_F(HttpServerTest, UnansweredOrThrowingHandlerGets500AndConnectionStaysUsable) {
  ServerOptions options;
  options.handler = [](Request&& request, Responder responder) {
    if (request.Target() == "/drop") return;
    if (request.Target() == "/throw") throw std::runtime_error("handler bug");
    if (request.Target() == "/status") {
      responder.Send(Response{101, {}, ""});
      return;
    }
    responder.Send(Json("ok"));
  };
  StartServer(std::move(options));
  Client client(port());
  for (const char* target : {"/drop", "/throw", "/status"}) {
    ASSERT_TRUE(client.Send(Get(target)));
    auto response = client.Read();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->result_int(), 500u) << target;
  }
  ASSERT_TRUE(client.Send(Get("/ok")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(HttpServerTest, ResponderSentTwiceOrMovedOverAnswersOnce) {
  ServerOptions options;
  options.handler = [](Request&& request, Responder responder) {
    if (request.Target() == "/twice") {
      responder.Send(Json("first"));
      responder.Send(Json("second"));
      return;
    }
    Responder other = std::move(responder);
    other.Send(Json("moved"));
  };
  StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(Get("/twice") + Get("/move")));
  auto first = client.Read();
  auto second = client.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "first");
  EXPECT_EQ(second->body(), "moved");
}

TEST_F(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  StartServer();
  Client client(port());
  ASSERT_TRUE(client.Send(
      "PUT /f HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100u);
  ASSERT_TRUE(client.Send("hello world"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "/f");
}

TEST_F(HttpServerTest, ExpectContinueOverTheLimitGets413Instead) {
  ServerOptions options;
  options.limits.max_body_bytes = 1024;
  StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(
      "PUT /f HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.Closed());
}

TEST_F(HttpServerTest, OversizeHeaderGets431AndOthersAreServed) {
  ServerOptions options;
  options.limits.max_header_bytes = 1024;
  StartServer(std::move(options));
  Client big(port());
  ASSERT_TRUE(big.Send(Get("/", "X-Big: " + std::string(2000, 'a') + "\r\n")));
  auto response = big.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(big.Closed());

  // Just under the limit is fine.
  Client ok(port());
  ASSERT_TRUE(ok.Send(Get("/", "X-Big: " + std::string(900, 'a') + "\r\n")));
  response = ok.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(HttpServerTest, OversizeBodyGets413) {
  ServerOptions options;
  options.limits.max_body_bytes = 1024;
  StartServer(std::move(options));
  {
    Client client(port());
    ASSERT_TRUE(client.Send(Post("/", std::string(1024, 'x'))));  // exactly at the limit
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body().size(), 1024u);
  }
  {
    Client client(port());
    ASSERT_TRUE(client.Send(Post("/", std::string(1025, 'x'))));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 413u);
    EXPECT_TRUE(client.Closed());
  }
  {
    Client client(port());  // chunked: no length up front, the sum of the chunks counts
    const std::string chunk = "258\r\n" + std::string(600, 'x') + "\r\n";
    ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                            chunk + chunk + "0\r\n\r\n"));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 413u);
  }
}

TEST_F(HttpServerTest, PerRouteBodyLimitAppliesBeforeTheBodyIsRead) {
  ServerOptions options;
  options.body_limit = [](std::string_view method, std::string_view target) -> std::uint64_t {
    return method == "POST" && target.starts_with("/small") ? 10 : UINT64_MAX;
  };
  StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(Post("/big", std::string(20, 'x'))));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  ASSERT_TRUE(client.Send(
      "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n"));
  response = client.Read();  // the chunk header alone already exceeds the limit
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
}

TEST_F(HttpServerTest, ChunkedBodyIsDecoded) {
  StartServer();
  Client client(port());
  ASSERT_TRUE(client.Send(
      "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "hello world");
}

TEST_F(HttpServerTest, HeadGetsTheLengthButNoBody) {
  ServerOptions options;
  options.handler = [](Request&& request, Responder responder) {
    if (request.Target() == "/empty") {
      responder.Send(Response{204, {}, ""});
      return;
    }
    responder.Send(Json(std::string(kJson)));
  };
  StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = client.Read(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ((*head)[http::field::content_length], "18");
  EXPECT_TRUE(head->body().empty());
  ASSERT_TRUE(client.Send(Get("/empty") + Get("/")));  // no stray body bytes in between
  auto empty = client.Read();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->result_int(), 204u);
  EXPECT_EQ(empty->count(http::field::content_length), 0u);
  auto get = client.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body(), kJson);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  ServerOptions options;
  options.handler = [](Request&& request, Responder responder) {
    Response response = Json("bye");
    if (request.Target() == "/handler-closes") response.headers.push_back({"Connection", "close"});
    responder.Send(std::move(response));
  };
  StartServer(std::move(options));
  {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/", "Connection: close\r\n")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ((*response)[http::field::connection], "close");
    EXPECT_TRUE(client.Closed());
  }
  {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/handler-closes")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ((*response)[http::field::connection], "close");
    EXPECT_TRUE(client.Closed());
  }
  {
    Client client(port());  // HTTP/1.0 closes unless it asks for keep-alive
    ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\n\r\n"));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "bye");
    EXPECT_TRUE(client.Closed());
  }
  {
    Client client(port());
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      auto response = client.Read();
      ASSERT_TRUE(response);
      EXPECT_EQ((*response)[http::field::connection], "keep-alive");
    }
  }
}

TEST_F(HttpServerTest, MalformedRequestsGet400AndNeverCrash) {
  ServerOptions options;
  options.render_error = [](unsigned status, std::string_view reason) {
    return Response{status,
                    {{"Content-Type", "application/json"}, {"X-Amzn-ErrorType", "ServiceException"}},
                    R"({"message":")" + std::string(reason) + R"("})"};
  };
  StartServer(std::move(options));
  const std::vector<std::string> bad = {
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET / HTTQ/1.1\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
      "GET  HTTP/1.1\r\n\r\n",
      std::string("GET /\0 HTTP/1.1\r\n\r\n", 20),
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n",  // TLS hello
  };
  for (const std::string& request : bad) {
    Client client(port());
    ASSERT_TRUE(client.Send(request));
    auto response = client.Read();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->result_int(), 400u) << request;
    EXPECT_EQ((*response)["X-Amzn-ErrorType"], "ServiceException");
    EXPECT_EQ(response->body(), R"({"message":"Malformed HTTP request"})");
    EXPECT_TRUE(client.Closed()) << request;
  }
  for (int i = 0; i < 20; ++i) {  // abrupt disconnects mid-request
    Client client(port());
    ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc"));
  }
  Client good(port());
  ASSERT_TRUE(good.Send(Get("/still-here")));
  auto response = good.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "/still-here");
}

TEST_F(HttpServerTest, SlowHeaderClientIsCutOffWhileOthersAreServed) {
  ServerOptions options;
  options.limits.header_timeout = 300ms;
  StartServer(std::move(options));
  Client slow(port());
  ASSERT_TRUE(slow.Send("GET / HTTP/1.1\r\n"));
  const auto start = Clock::now();
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  std::thread fast_client([&] {
    Client fast(port());
    while (!stop) {
      if (!fast.Send(Get("/fast"))) break;
      auto response = fast.Read();
      if (!response || response->body() != "/fast") break;
      ++served;
      std::this_thread::sleep_for(20ms);
    }
  });
  // Drip a header line every 50 ms, as slowloris does, until the server answers.
  while (Clock::now() - start < 1500ms && !slow.Readable()) {
    ASSERT_TRUE(slow.Send("X-Drip: 1\r\n"));
    std::this_thread::sleep_for(50ms);
  }
  const auto cut_off_after = Clock::now() - start;
  auto answer = slow.Read();
  stop = true;
  fast_client.join();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 408u);
  EXPECT_TRUE(slow.Closed());
  EXPECT_GE(cut_off_after, 300ms);
  EXPECT_LT(cut_off_after, 800ms);
  EXPECT_GE(served.load(), 5);  // the other client was served the whole time
}

TEST_F(HttpServerTest, SlowBodyGets408) {
  ServerOptions options;
  options.limits.body_timeout = 200ms;
  StartServer(std::move(options));
  Client client(port());
  const auto start = Clock::now();
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408u);
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_TRUE(client.Closed());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options;
  options.limits.idle_timeout = 200ms;
  HttpServer& server = StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(Get("/")));
  ASSERT_TRUE(client.Read());
  const auto start = Clock::now();
  EXPECT_TRUE(client.Closed());
  const auto idle_for = Clock::now() - start;
  EXPECT_GE(idle_for, 150ms);
  EXPECT_LT(idle_for, 1500ms);
  EXPECT_TRUE(WaitFor([&] { return server.connections() == 0; }));
}

TEST_F(HttpServerTest, ClientThatStopsReadingIsDropped) {
  ServerOptions options;
  options.limits.send_timeout = 200ms;
  options.handler = [](Request&&, Responder responder) {
    responder.Send(Response{200, {}, std::string(64 * 1024 * 1024, 'x')});
  };
  HttpServer& server = StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(Get("/")));  // and never read the 64 MiB answer
  EXPECT_TRUE(WaitFor([&] { return server.connections() == 0; }, 3s));
}

TEST_F(HttpServerTest, ConnectionCapAnswers503) {
  ServerOptions options;
  options.limits.max_connections = 2;
  HttpServer& server = StartServer(std::move(options));
  auto a = std::make_unique<Client>(port());
  Client b(port());
  for (Client* client : {a.get(), &b}) {
    ASSERT_TRUE(client->Send(Get("/")));
    ASSERT_TRUE(client->Read());
  }
  Client over(port());
  auto response = over.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 503u);
  EXPECT_TRUE(over.Closed());
  EXPECT_EQ(server.connections(), 2u);

  a.reset();  // frees a slot
  ASSERT_TRUE(WaitFor([&] { return server.connections() == 1; }));
  Client next(port());
  ASSERT_TRUE(next.Send(Get("/next")));
  response = next.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "/next");
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequests) {
  std::atomic<bool> slow_started{false};
  ServerOptions options;
  options.handler = [&](Request&& request, Responder responder) {
    if (request.Target() != "/slow") {
      responder.Send(Json("fast"));
      return;
    }
    slow_started = true;
    Spawn([responder = std::move(responder)]() mutable {
      std::this_thread::sleep_for(200ms);
      responder.Send(Json("slow"));
    });
  };
  HttpServer& server = StartServer(std::move(options));
  const std::uint16_t stopped_port = port();
  Client idle(port());
  ASSERT_TRUE(idle.Send(Get("/")));
  ASSERT_TRUE(idle.Read());
  Client busy(port());
  ASSERT_TRUE(busy.Send(Get("/slow")));
  ASSERT_TRUE(WaitFor([&] { return slow_started.load(); }));

  const auto start = Clock::now();
  std::thread stopper([&] { server.Stop(5s); });
  EXPECT_TRUE(idle.Closed());  // idle keep-alive connections go at once, not after the 200 ms
  EXPECT_LT(Clock::now() - start, 150ms);
  auto response = busy.Read();  // the in-flight request still gets its answer
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "slow");
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(busy.Closed());
  busy.Close();  // the server lingers until the client has closed too
  stopper.join();
  EXPECT_LT(Clock::now() - start, 1s);  // did not wait out the 5 s grace
  Client late(stopped_port);
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, StopCutsOffAtTheDeadlineAndLateRespondersAreHarmless) {
  std::mutex mu;
  std::vector<Responder> held;
  ServerOptions options;
  options.handler = [&](Request&&, Responder responder) {
    std::lock_guard<std::mutex> lock(mu);
    held.push_back(std::move(responder));
  };
  HttpServer& server = StartServer(std::move(options));
  Client client(port());
  ASSERT_TRUE(client.Send(Get("/never")));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return held.size() == 1;
  }));
  const auto start = Clock::now();
  server.Stop(100ms);
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 1s);
  EXPECT_TRUE(client.Closed());
  held[0].Send(Json("too late"));  // after Stop: dropped
  server_.reset();
  held.clear();                    // Responders outliving the server: harmless
}

TEST_F(HttpServerTest, ResponderCalledAfterTheClientLeftIsHarmless) {
  std::mutex mu;
  std::vector<Responder> held;
  ServerOptions options;
  options.handler = [&](Request&& request, Responder responder) {
    if (request.Target() == "/hold") {
      std::lock_guard<std::mutex> lock(mu);
      held.push_back(std::move(responder));
      return;
    }
    responder.Send(Json("ok"));
  };
  HttpServer& server = StartServer(std::move(options));
  {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/hold")));
    ASSERT_TRUE(WaitFor([&] {
      std::lock_guard<std::mutex> lock(mu);
      return held.size() == 1;
    }));
  }  // the client leaves
  std::this_thread::sleep_for(20ms);
  held[0].Send(Json("nobody listens"));
  held.clear();
  EXPECT_TRUE(WaitFor([&] { return server.connections() == 0; }));
  Client client(port());
  ASSERT_TRUE(client.Send(Get("/")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "ok");
}

TEST_F(HttpServerTest, StartReportsBindFailuresAndMissingHandler) {
  StartServer();
  ServerOptions same_port;
  same_port.handler = Echo;
  same_port.port = port();
  HttpServer second(std::move(same_port));
  EXPECT_TRUE(second.Start() == boost::system::errc::address_in_use);

  ServerOptions bad_host;
  bad_host.handler = Echo;
  bad_host.host = "not an address";
  HttpServer third(std::move(bad_host));
  EXPECT_TRUE(third.Start());

  HttpServer no_handler(ServerOptions{});
  EXPECT_TRUE(no_handler.Start() == boost::system::errc::invalid_argument);
}

// Servers sharing one IoPool (io_pool.h), as the API and the environments' Runtime API
// endpoints do.

ServerOptions OnPool(std::shared_ptr<IoPool> pool, Handler handler = Echo) {
  ServerOptions options;
  options.io_pool = std::move(pool);
  options.handler = std::move(handler);
  return options;
}

TEST(SharedIoPoolTest, ServersServeAndStopIndependently) {
  auto pool = std::make_shared<IoPool>(2);
  HttpServer first(OnPool(pool));
  HttpServer second(OnPool(pool));
  ASSERT_FALSE(first.Start());
  ASSERT_FALSE(second.Start());
  Client a(first.port()), b(second.port());
  ASSERT_TRUE(a.Send(Get("/a")) && b.Send(Get("/b")));
  auto ra = a.Read(), rb = b.Read();
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->body(), "/a");
  EXPECT_EQ(rb->body(), "/b");

  const std::uint16_t second_port = second.port();
  second.Stop(0ms);
  EXPECT_TRUE(b.Closed());  // only the stopped server's connections go
  EXPECT_FALSE(Client(second_port).connected());
  ASSERT_TRUE(a.Send(Get("/still")));
  ra = a.Read();
  ASSERT_TRUE(ra);
  EXPECT_EQ(ra->body(), "/still");
  EXPECT_EQ(first.connections(), 1u);
  first.Stop(0ms);
  pool->Stop();
}

TEST(SharedIoPoolTest, OneServersHandlerAnswersAnothersRequest) {
  // The shape of an Invoke: the front server's request waits until a request to the back server
  // (the runtime's answer) arrives, whose handler answers both. With one thread both
  // connections live on it and the front's answer is written without a hop; with two they may
  // not, and it is posted across.
  for (unsigned threads : {1u, 2u}) {
    auto pool = std::make_shared<IoPool>(threads);
    std::mutex mu;
    std::optional<Responder> parked;
    HttpServer front(OnPool(pool, [&](Request&&, Responder responder) {
      std::lock_guard<std::mutex> lock(mu);
      parked = std::move(responder);
    }));
    HttpServer back(OnPool(pool, [&](Request&& request, Responder responder) {
      std::optional<Responder> waiting;
      {
        std::lock_guard<std::mutex> lock(mu);
        waiting.swap(parked);
      }
      if (waiting) waiting->Send(Json("from back: " + request.TakeBody()));
      responder.Send(Json(waiting ? "delivered" : "nobody waiting", waiting ? 202 : 404));
    }));
    ASSERT_FALSE(front.Start());
    ASSERT_FALSE(back.Start());
    Client client(front.port()), runtime(back.port());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(client.Send(Get("/invoke")));
      ASSERT_TRUE(WaitFor([&] {
        std::lock_guard<std::mutex> lock(mu);
        return parked.has_value();
      }));
      ASSERT_TRUE(runtime.Send(Post("/response", std::to_string(i))));
      auto ack = runtime.Read();
      auto answer = client.Read();
      ASSERT_TRUE(ack && answer) << threads;
      EXPECT_EQ(ack->result_int(), 202u);
      EXPECT_EQ(answer->body(), "from back: " + std::to_string(i));
    }
    front.Stop(0ms);
    back.Stop(0ms);
    pool->Stop();
  }
}

TEST(SharedIoPoolTest, DeadlinesAreEnforcedAgainAfterTheServerWasIdle) {
  // A server's deadline sweep runs only while it has connections; a new one re-arms it.
  auto pool = std::make_shared<IoPool>(1);
  ServerOptions options = OnPool(pool);
  options.limits.idle_timeout = 100ms;
  HttpServer server(std::move(options));
  ASSERT_FALSE(server.Start());
  for (int i = 0; i < 2; ++i) {
    Client client(server.port());
    ASSERT_TRUE(client.Send(Get("/")));
    ASSERT_TRUE(client.Read());
    const auto start = Clock::now();
    EXPECT_TRUE(client.Closed());
    EXPECT_LT(Clock::now() - start, 1500ms);
    EXPECT_TRUE(WaitFor([&] { return server.connections() == 0; }));
    std::this_thread::sleep_for(300ms);  // the sweep finds nothing and stops
  }
  server.Stop(0ms);
  pool->Stop();
}

}  // namespace
}  // namespace hr::net
