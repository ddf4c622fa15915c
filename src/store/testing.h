#pragma once
// Test helpers for the store module: a temporary directory under /tmp, removed with its
// contents when the object goes away. Tests only; any thread.

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace hr::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = "/tmp/hr_store_test.XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when the directory could not be created.
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hr::store::testing
