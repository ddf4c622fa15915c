#pragma once
// The dashboard's static assets (web/, built by esbuild), embedded in the binary at build time
// by cmake/embed_files.cmake, so that the server serves them from any working directory. The
// generated dashboard_assets.cc defines DashboardAssets(); the table is empty when web/ had
// not been built (no web/node_modules at configure time), and the server then serves a page
// saying how to build it. Only server/dashboard.cc reads it. Immutable; any thread.

#include <span>
#include <string_view>

namespace hr::server {

struct DashboardAsset {
  std::string_view name;  // the file's name in the build output: "index.html", "dashboard.js"
  std::string_view bytes;
};

std::span<const DashboardAsset> DashboardAssets();

}  // namespace hr::server
