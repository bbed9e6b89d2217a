#include "sync/protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace anpr::sync {
namespace {

TEST(Protocol, VersionedPrefixAndDefaults) {
  EXPECT_EQ(std::string(kApiPrefix), "/api/v1");
  EXPECT_EQ(DefaultDepotPort(), 8443);
  EXPECT_GE(kMaxRequestBytes, 16u * 1024u * 1024u);  // a batch of reads with images fits
}

}  // namespace
}  // namespace anpr::sync
