#include "server/credentials.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace hr::server {
namespace {

std::string WriteFile(const std::string& text) {
  char name[] = "/tmp/headroom-credentials-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  std::ofstream(name) << text;
  return name;
}

TEST(CredentialStoreTest, LoadsFileEntries) {
  CredentialStore store("server-key");
  const std::string path = WriteFile(
      "AKIAONE:\n  secret_access_key: s1\n  account_id: \"111111111111\"\n"
      "AKIATWO:\n  secret_access_key: s2\n  account_id: \"222222222222\"\n  session_token: tok\n");
  ASSERT_TRUE(store.LoadFile(path).ok());
  std::remove(path.c_str());
  EXPECT_EQ(store.file_entries(), 2u);
  const auto one = store.Find("AKIAONE");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->secret_access_key, "s1");
  EXPECT_EQ(one->account, "111111111111");
  EXPECT_EQ(one->session_token, "");
  EXPECT_EQ(store.Find("AKIATWO")->session_token, "tok");
  EXPECT_FALSE(store.Find("AKIATHREE"));
}

TEST(CredentialStoreTest, RefusesBadFiles) {
  CredentialStore store("k");
  for (const std::string text : {"- a\n- b\n", "AKIA:\n  account_id: \"111111111111\"\n",
                                 "AKIA:\n  secret_access_key: s\n  account_id: \"1111\"\n",
                                 "AKIA:\n  secret_access_key: s\n  account_id: \"111111111111\"\n  colour: red\n"}) {
    const std::string path = WriteFile(text);
    const Status s = store.LoadFile(path);
    std::remove(path.c_str());
    EXPECT_EQ(s.code(), ErrorCode::kInvalidParameter) << text;
  }
  EXPECT_EQ(store.LoadFile("/nonexistent/credentials.yaml").code(), ErrorCode::kInvalidParameter);
}

TEST(CredentialStoreTest, FunctionKeysVerifyOnlyWithThisServersKey) {
  CredentialStore store("server-key");
  const FunctionCredential f = store.ForFunction("123456789012");
  EXPECT_EQ(f.access_key_id, "ASIAHRFN123456789012");
  const auto found = store.Find(f.access_key_id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->secret_access_key, f.secret_access_key);
  EXPECT_EQ(found->session_token, f.session_token);
  EXPECT_EQ(found->account, "123456789012");
  EXPECT_NE(CredentialStore("another-key").ForFunction("123456789012").secret_access_key, f.secret_access_key);
  EXPECT_NE(store.ForFunction("210987654321").secret_access_key, f.secret_access_key);
  EXPECT_FALSE(store.Find("ASIAHRFN1234"));
  EXPECT_NE(RandomServerKey(), RandomServerKey());
}

}  // namespace
}  // namespace hr::server
