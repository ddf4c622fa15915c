#pragma once
// Beast's HTTP/1.1 parser, as every net file (and test) must include it. GCC 12 under
// -fsanitize=address,undefined reports a false -Wmaybe-uninitialized inside Beast's parser
// (boost::optional in basic_parser::content_length), which -Werror turns into a failed build;
// this silences that one warning for Beast's code only (clang, which the fuzz build uses, has
// no such warning).

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <string_view>

namespace hr::net {

// Whether `parser` may be given the unparsed bytes `buffered`. Beast 1.81 asserts (and, with
// NDEBUG, relies on) at least 5 bytes when it re-enters a final chunk ("0\r\n", perhaps after
// the previous chunk's CRLF) whose trailers it has not seen the end of
// (basic_parser::parse_chunk_header); a client whose bytes arrive as "0\r\n" and then one more
// trips it (found by fuzz_http_request). Every valid rest of a chunked body from a final chunk on
// is at least 5 bytes ("0\r\n\r\n"), so waiting for them never stalls a well-formed request;
// anything else is parsed at once (a malformed or oversized chunk header is refused at once).
template <class Parser>
bool ReadyToParse(const Parser& parser, std::string_view buffered) {
  if (!parser.is_header_done() || !parser.chunked() || buffered.size() >= 5) return true;
  const std::string_view chunk = buffered.starts_with("\r\n") ? buffered.substr(2) : buffered;
  return !chunk.starts_with('0');
}

}  // namespace hr::net
