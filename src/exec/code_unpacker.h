#pragma once
// UnpackCode: a deployment package's zip, unpacked once into a directory of its own (its
// task root, LAMBDA_TASK_ROOT) that every environment of that code shares, read-only by
// convention as /var/task is on AWS. Unpacking goes to a temporary directory renamed into
// place, so concurrent callers and a crash mid-way never leave half a tree. Entries that
// would land outside the directory ("../x", absolute paths) are refused. File modes come from
// the zip (an executable `bootstrap` stays executable); a `bootstrap` without modes is made
// executable, as Lambda runs it.
//
// Thread-safe.

#include <string>

#include "base/status.h"

namespace hr::exec {

// Unpacks `zip_path` into `directory` unless it exists already. Errors: kInvalidParameter
// (not a zip, unsafe entry), kInternal (the file system).
Status UnpackCode(const std::string& zip_path, const std::string& directory);

}  // namespace hr::exec
