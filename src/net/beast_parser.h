#pragma once
// Beast's HTTP/1.1 parser, as every net file (and test) must include it. GCC 12 under
// -fsanitize=address,undefined reports a false -Wmaybe-uninitialized inside Beast's parser
// (boost::optional in basic_parser::content_length), which -Werror turns into a failed build;
// this silences that one warning for Beast's code only.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#pragma GCC diagnostic pop
