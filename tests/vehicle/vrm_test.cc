#include "vehicle/records/vrm.h"

#include <gtest/gtest.h>

namespace anpr {
namespace {

TEST(NormaliseVrm, UpperCasesAndDropsSeparators) {
  EXPECT_EQ(NormaliseVrm("ab12 cde"), "AB12CDE");
  EXPECT_EQ(NormaliseVrm(" AB-12\tCDE "), "AB12CDE");
  EXPECT_EQ(NormaliseVrm("B-AB 1234"), "BAB1234");
}

TEST(NormaliseVrm, NothingUsableGivesEmpty) {
  EXPECT_EQ(NormaliseVrm(""), "");
  EXPECT_EQ(NormaliseVrm(" -- "), "");
  EXPECT_EQ(NormaliseVrm("\xC3\xA9"), "");  // UTF-8 e-acute is not a plate character
}

}  // namespace
}  // namespace anpr
