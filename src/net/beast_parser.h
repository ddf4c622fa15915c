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
