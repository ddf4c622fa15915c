#include "server/code_store.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "server/request_id.h"

namespace hr::server {

bool IsCodeKey(std::string_view key) {
  return key.size() == 64 && key.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string CodeStore::PathOf(std::string_view key) const {
  return (std::filesystem::path(directory_) / (std::string(key) + ".zip")).string();
}

Status CodeStore::Put(std::string_view key, std::string_view zip) {
  const std::string path = PathOf(key);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::Ok();
  std::filesystem::create_directories(directory_, ec);
  const std::string temporary = path + "." + NewRequestId() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(zip.data(), static_cast<std::streamsize>(zip.size()));
    if (!out) return Status(ErrorCode::kInternal, "cannot write the code package " + temporary);
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return Status(ErrorCode::kInternal, "cannot store the code package " + path);
  }
  return Status::Ok();
}

std::optional<std::string> CodeStore::Read(std::string_view key) const {
  if (!IsCodeKey(key)) return std::nullopt;
  std::ifstream in(PathOf(key), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace hr::server
