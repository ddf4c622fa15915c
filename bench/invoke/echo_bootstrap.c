// echo_bootstrap.c: the `bootstrap` of bench/invoke's provided.al2023 echo function.
//
//   gcc -O2 -o bootstrap echo_bootstrap.c     (bench/invoke/run does this and zips it)
//
// A custom runtime for the Lambda Runtime API 2018-06-01 at $AWS_LAMBDA_RUNTIME_API (host:port):
// it loops GET /2018-06-01/runtime/invocation/next, then POST
// /2018-06-01/runtime/invocation/{id}/response with the event as the response body, so the
// function's own time is next to nothing. Everything goes over one keep-alive TCP connection
// (TCP_NODELAY); responses are read properly: status line, headers (Content-Length,
// Lambda-Runtime-Aws-Request-Id, Connection: close, Transfer-Encoding: chunked), then exactly
// the body. A connection the server closes is reopened and the request sent again; an answer it
// cannot understand, or a server that stays away, ends the process with status 1 (the server
// then reports Runtime.ExitError), as a real runtime's crash would.
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static char host[256], port[16];
static int fd = -1;

// Bytes read from the connection and not yet consumed.
static char* buf;
static size_t buf_cap, buf_len;

static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("echo_bootstrap: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void disconnect(void) {
  if (fd >= 0) close(fd);
  fd = -1;
  buf_len = 0;
}

static void connect_api(void) {
  struct addrinfo hints = {0}, *res, *ai;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) die("getaddrinfo %s:%s: %s", host, port, gai_strerror(rc));
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) die("cannot connect to %s:%s: %s", host, port, strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  buf_len = 0;
}

// Sends all of iov; 0 on success, -1 when the connection is gone.
static int send_all(struct iovec* iov, int n) {
  while (n > 0) {
    struct msghdr msg = {0};
    msg.msg_iov = iov;
    msg.msg_iovlen = (size_t)n;
    ssize_t w = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    while (n > 0 && (size_t)w >= iov->iov_len) {
      w -= (ssize_t)iov->iov_len;
      ++iov;
      --n;
    }
    if (n > 0) {
      iov->iov_base = (char*)iov->iov_base + w;
      iov->iov_len -= (size_t)w;
    }
  }
  return 0;
}

// Reads more bytes into buf; 0 on success, -1 on EOF or error.
static int fill(void) {
  if (buf_cap - buf_len < 65536) {
    buf_cap = buf_cap ? buf_cap * 2 : 262144;
    buf = realloc(buf, buf_cap);
    if (!buf) die("out of memory");
  }
  for (;;) {
    ssize_t r = recv(fd, buf + buf_len, buf_cap - buf_len, 0);
    if (r > 0) {
      buf_len += (size_t)r;
      return 0;
    }
    if (r < 0 && errno == EINTR) continue;
    return -1;
  }
}

static void consume(size_t n) {
  memmove(buf, buf + n, buf_len - n);
  buf_len -= n;
}

struct response {
  int status;
  int close;          // Connection: close
  char* body;         // malloc'd, body_len bytes
  size_t body_len;
  char request_id[256];
};

// The value of header line [p, end) if it is named `name` (case-insensitive), trimmed.
static int header_value(const char* p, const char* end, const char* name, const char** v,
                        size_t* vlen) {
  size_t n = strlen(name);
  if ((size_t)(end - p) <= n || strncasecmp(p, name, n) != 0 || p[n] != ':') return 0;
  p += n + 1;
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t')) --end;
  *v = p;
  *vlen = (size_t)(end - p);
  return 1;
}

// Reads one chunked body from buf (and the socket) into r; 0 on success, -1 when cut off.
static int read_chunked(struct response* r) {
  size_t cap = 0;
  for (;;) {
    char* eol;
    while (!(eol = memmem(buf, buf_len, "\r\n", 2)))
      if (fill() < 0) return -1;
    size_t size = strtoul(buf, NULL, 16);
    consume((size_t)(eol - buf) + 2);
    if (size == 0) {  // trailers, up to an empty line
      for (;;) {
        while (!(eol = memmem(buf, buf_len, "\r\n", 2)))
          if (fill() < 0) return -1;
        int empty = eol == buf;
        consume((size_t)(eol - buf) + 2);
        if (empty) return 0;
      }
    }
    while (buf_len < size + 2)
      if (fill() < 0) return -1;
    if (r->body_len + size > cap) {
      cap = (r->body_len + size) * 2;
      r->body = realloc(r->body, cap);
      if (!r->body) die("out of memory");
    }
    memcpy(r->body + r->body_len, buf, size);
    r->body_len += size;
    consume(size + 2);
  }
}

// Reads one response; 0 on success, -1 when the connection went away before it was complete.
static int read_response(struct response* r) {
  memset(r, 0, sizeof(*r));
  char* end;
  while (!(end = memmem(buf, buf_len, "\r\n\r\n", 4)))
    if (fill() < 0) return -1;
  size_t head_len = (size_t)(end - buf) + 4;
  if (buf_len < 12 || strncmp(buf, "HTTP/1.", 7) != 0) die("not an HTTP response");
  r->status = atoi(buf + 9);
  if (strncmp(buf, "HTTP/1.0", 8) == 0) r->close = 1;
  long long content_length = -1;
  int chunked = 0;
  for (char* line = memmem(buf, head_len, "\r\n", 2) + 2; line < end;) {
    char* eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
    const char* v;
    size_t vlen;
    if (header_value(line, eol, "Content-Length", &v, &vlen)) {
      content_length = strtoll(v, NULL, 10);
    } else if (header_value(line, eol, "Lambda-Runtime-Aws-Request-Id", &v, &vlen)) {
      if (vlen >= sizeof(r->request_id)) die("request id too long");
      memcpy(r->request_id, v, vlen);
      r->request_id[vlen] = 0;
    } else if (header_value(line, eol, "Connection", &v, &vlen)) {
      if (vlen == 5 && strncasecmp(v, "close", 5) == 0) r->close = 1;
      if (vlen == 10 && strncasecmp(v, "keep-alive", 10) == 0) r->close = 0;
    } else if (header_value(line, eol, "Transfer-Encoding", &v, &vlen)) {
      chunked = vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0;
    }
    line = eol + 2;
  }
  consume(head_len);
  if (chunked) return read_chunked(r);
  if (content_length < 0) {  // the body runs to the end of the connection
    while (fill() == 0) {}
    content_length = (long long)buf_len;
    r->close = 1;
  }
  while (buf_len < (size_t)content_length)
    if (fill() < 0) return -1;
  r->body_len = (size_t)content_length;
  r->body = malloc(r->body_len + 1);
  if (!r->body) die("out of memory");
  memcpy(r->body, buf, r->body_len);
  consume(r->body_len);
  return 0;
}

// One request/response exchange, reconnecting (and resending) once if the kept-alive
// connection turns out to be closed.
static void exchange(const char* head, const char* body, size_t body_len, struct response* r) {
  for (int attempt = 0;; ++attempt) {
    if (fd < 0) connect_api();
    struct iovec iov[2] = {{(void*)head, strlen(head)}, {(void*)body, body_len}};
    if (send_all(iov, body_len ? 2 : 1) == 0 && read_response(r) == 0) {
      if (r->close) disconnect();
      return;
    }
    free(r->body);
    disconnect();
    if (attempt == 2) die("the Runtime API at %s:%s went away", host, port);
  }
}

int main(void) {
  const char* api = getenv("AWS_LAMBDA_RUNTIME_API");
  if (!api) die("AWS_LAMBDA_RUNTIME_API is not set");
  const char* colon = strrchr(api, ':');
  if (!colon || (size_t)(colon - api) >= sizeof(host) || strlen(colon + 1) >= sizeof(port))
    die("AWS_LAMBDA_RUNTIME_API is not host:port: %s", api);
  memcpy(host, api, (size_t)(colon - api));
  host[colon - api] = 0;
  strcpy(port, colon + 1);

  char next[512];
  snprintf(next, sizeof(next),
           "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
  char post[1024];
  for (;;) {
    struct response event, ack;
    exchange(next, NULL, 0, &event);
    if (event.status != 200) die("GET /next answered %d", event.status);
    if (!event.request_id[0]) die("GET /next without Lambda-Runtime-Aws-Request-Id");
    snprintf(post, sizeof(post),
             "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
             event.request_id, api, event.body_len);
    exchange(post, event.body, event.body_len, &ack);
    if (ack.status != 202) die("POST /response answered %d", ack.status);
    free(event.body);
    free(ack.body);
  }
}
