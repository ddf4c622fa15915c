#include "server/settings.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace hr::server {
namespace {

TEST(SettingsTest, DefaultsAreTheDocumentedOnes) {
  ServerSettings s;
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 4599);
  EXPECT_EQ(s.account_limit, 1000);
  EXPECT_FALSE(s.unreserved_min);
  EXPECT_EQ(s.pc_allocation_delay, Duration::Seconds(2));
  EXPECT_EQ(s.clock, "real");
  EXPECT_FALSE(s.strict_auth);
  EXPECT_EQ(s.credentials, "");
}

TEST(SettingsTest, WarnsWhenExposedWithoutStrictAuth) {
  ServerSettings s;
  EXPECT_EQ(ExposureWarning(s), "");
  s.host = "0.0.0.0";
  EXPECT_NE(ExposureWarning(s).find("listening on 0.0.0.0 without --auth strict"), std::string::npos);
  s.strict_auth = true;
  EXPECT_EQ(ExposureWarning(s), "");
  s.strict_auth = false;
  s.host = "::1";
  EXPECT_EQ(ExposureWarning(s), "");
}

TEST(SettingsTest, AuthModeIsStrictOrPermissive) {
  ServerSettings s;
  ASSERT_TRUE(SetSetting(s, "auth", "strict").ok());
  EXPECT_TRUE(s.strict_auth);
  ASSERT_TRUE(SetSetting(s, "auth", "permissive").ok());
  EXPECT_FALSE(s.strict_auth);
  EXPECT_EQ(SetSetting(s, "auth", "none").code(), ErrorCode::kInvalidParameter);
  ASSERT_TRUE(SetSetting(s, "credentials", "/etc/keys.yaml").ok());
  EXPECT_EQ(s.credentials, "/etc/keys.yaml");
}

TEST(SettingsTest, OneParserForEverySetting) {
  ServerSettings s;
  ASSERT_TRUE(SetSetting(s, "port", "0").ok());
  ASSERT_TRUE(SetSetting(s, "account-limit", "5000").ok());
  ASSERT_TRUE(SetSetting(s, "unreserved-min", "0").ok());
  ASSERT_TRUE(SetSetting(s, "pc-allocation-delay", "120s").ok());
  EXPECT_EQ(s.pc_allocation_delay, Duration::Minutes(2));
  ASSERT_TRUE(SetSetting(s, "pc-allocation-delay", "250ms").ok());
  EXPECT_EQ(s.pc_allocation_delay, Duration::Millis(250));
  ASSERT_TRUE(SetSetting(s, "clock", "scaled:60").ok());
  EXPECT_EQ(s.port, 0);
  EXPECT_EQ(s.account_limit, 5000);
  EXPECT_EQ(*s.unreserved_min, 0);
}

TEST(SettingsTest, HttpLimits) {
  ServerSettings s;
  EXPECT_EQ(s.http.max_body_bytes, 69'905'067u);  // CreateFunction's limit: no request is larger
  EXPECT_EQ(s.http.max_header_bytes, 16u * 1024);
  ASSERT_TRUE(SetSetting(s, "max-header-bytes", "2048").ok());
  ASSERT_TRUE(SetSetting(s, "max-request-bytes", "65536").ok());
  ASSERT_TRUE(SetSetting(s, "max-connections", "16").ok());
  ASSERT_TRUE(SetSetting(s, "idle-timeout", "500ms").ok());
  ASSERT_TRUE(SetSetting(s, "header-timeout", "2s").ok());
  ASSERT_TRUE(SetSetting(s, "body-timeout", "3").ok());
  ASSERT_TRUE(SetSetting(s, "send-timeout", "1m").ok());
  EXPECT_EQ(s.http.max_header_bytes, 2048u);
  EXPECT_EQ(s.http.max_body_bytes, 65536u);
  EXPECT_EQ(s.http.max_connections, 16u);
  EXPECT_EQ(s.http.idle_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(s.http.header_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(s.http.body_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(s.http.send_timeout, std::chrono::milliseconds(60'000));
  EXPECT_FALSE(SetSetting(s, "max-connections", "0").ok());
  EXPECT_FALSE(SetSetting(s, "max-header-bytes", "8589934592").ok());
  EXPECT_FALSE(SetSetting(s, "idle-timeout", "0s").ok());
  EXPECT_FALSE(SetSetting(s, "body-timeout", "soon").ok());
}

TEST(SettingsTest, BadValuesAreRefusedWithTheirName) {
  ServerSettings s;
  Status bad = SetSetting(s, "port", "70000");
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidParameter);
  EXPECT_NE(bad.message().find("port"), std::string::npos);
  EXPECT_FALSE(SetSetting(s, "default-account", "123").ok());
  EXPECT_FALSE(SetSetting(s, "clock", "fast").ok());
  EXPECT_FALSE(SetSetting(s, "nope", "1").ok());
  EXPECT_FALSE(SetSetting(s, "pc-allocation-delay", "-1").ok());
}

TEST(SettingsTest, EnvironmentUsesHeadroomPrefix) {
  std::map<std::string, std::string> env = {{"HEADROOM_ACCOUNT_LIMIT", "77"},
                                            {"HEADROOM_DEFAULT_REGION", "eu-west-1"}};
  ServerSettings s;
  ASSERT_TRUE(ApplySettingsEnvironment(s, [&](const char* name) -> const char* {
                auto it = env.find(name);
                return it == env.end() ? nullptr : it->second.c_str();
              }).ok());
  EXPECT_EQ(s.account_limit, 77);
  EXPECT_EQ(s.default_region, "eu-west-1");
}

TEST(SettingsTest, YamlFile) {
  const std::string path = ::testing::TempDir() + "headroom_settings_test.yaml";
  {
    std::ofstream f(path);
    f << "port: 4600\nclock: manual\nunreserved-min: 5\n";
  }
  ServerSettings s;
  ASSERT_TRUE(ApplySettingsFile(s, path).ok());
  EXPECT_EQ(s.port, 4600);
  EXPECT_EQ(s.clock, "manual");
  EXPECT_EQ(*s.unreserved_min, 5);
  {
    std::ofstream f(path);
    f << "- not\n- a map\n";
  }
  EXPECT_FALSE(ApplySettingsFile(s, path).ok());
  EXPECT_FALSE(ApplySettingsFile(s, path + ".missing").ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hr::server
