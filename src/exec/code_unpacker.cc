#include "exec/code_unpacker.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace hr::exec {
namespace {

namespace fs = std::filesystem;

bool SafeEntry(const std::string& name) {
  if (name.empty() || name[0] == '/') return false;
  for (const auto& part : fs::path(name)) {
    if (part == "..") return false;
  }
  return true;
}

Status Extract(zip_t* archive, const fs::path& root) {
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* raw = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
    if (!raw) return Status(ErrorCode::kInvalidParameter, "unreadable entry in the code package");
    const std::string name(raw);
    if (!SafeEntry(name)) {
      return Status(ErrorCode::kInvalidParameter, "unsafe path in the code package: " + name);
    }
    const fs::path target = root / name;
    std::error_code ec;
    if (name.back() == '/') {
      fs::create_directories(target, ec);
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (!file) return Status(ErrorCode::kInvalidParameter, "cannot read " + name + " from the code package");
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    std::vector<char> buffer(64 * 1024);
    zip_int64_t n;
    while ((n = zip_fread(file, buffer.data(), buffer.size())) > 0) out.write(buffer.data(), n);
    zip_fclose(file);
    if (n < 0 || !out) return Status(ErrorCode::kInternal, "cannot unpack " + name);
    out.close();
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    mode_t mode = 0644;
    if (zip_file_get_external_attributes(archive, static_cast<zip_uint64_t>(i), 0, &system,
                                         &attributes) == 0 &&
        system == ZIP_OPSYS_UNIX && ((attributes >> 16) & 0777) != 0) {
      mode = static_cast<mode_t>((attributes >> 16) & 0777);
    }
    if (name == "bootstrap") mode |= 0755;
    chmod(target.c_str(), mode | 0400);
  }
  return Status::Ok();
}

}  // namespace

Status UnpackCode(const std::string& zip_path, const std::string& directory) {
  std::error_code ec;
  if (fs::exists(directory, ec)) return Status::Ok();
  int error = 0;
  zip_t* archive = zip_open(zip_path.c_str(), ZIP_RDONLY, &error);
  if (!archive) return Status(ErrorCode::kInvalidParameter, "cannot open the code package " + zip_path);
  const fs::path staging = directory + ".unpacking." + std::to_string(getpid()) + "." +
                           std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  fs::create_directories(staging, ec);
  Status s = Extract(archive, staging);
  zip_close(archive);
  if (s.ok()) {
    fs::rename(staging, directory, ec);
    if (ec && !fs::exists(directory)) s = Status(ErrorCode::kInternal, "cannot place " + directory);
  }
  fs::remove_all(staging, ec);
  return s;
}

}  // namespace hr::exec
