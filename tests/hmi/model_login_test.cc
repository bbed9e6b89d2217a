// The HMI model's Login screen and locking: keypad, PIN masking, idle and
// button lock.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

TEST_F(ModelTest, LoginWithKeypadThenWrongPinIsRefused) {
  EXPECT_EQ(model.screen(), Screen::kLogin);
  EXPECT_EQ(model.BuildScene().FindAction("nav.live"), nullptr) << "nothing but the keypad while locked";
  TypeDigits(model, "1234");
  Tap(model, "login.ok");  // NEXT: to the PIN field
  TypeDigits(model, "0000");
  Tap(model, "login.ok");
  EXPECT_FALSE(model.logged_in());
  EXPECT_EQ(model.message(), "Wrong officer number or PIN");
  const Scene scene_msg = model.BuildScene();
  const Element* msg = scene_msg.FindId("login.message");
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(msg->text, "Wrong officer number or PIN");

  Tap(model, "login.field.officer");
  for (int i = 0; i < 4; ++i) Tap(model, "login.del");
  LogIn(model);
  EXPECT_TRUE(model.logged_in());
  EXPECT_EQ(model.officer(), "1234");
  EXPECT_EQ(model.screen(), Screen::kLive);
  // The PIN is never shown, only its length.
  EXPECT_EQ(actions.logins.size(), 2u);
}

TEST_F(ModelTest, PinIsMaskedOnScreen) {
  TypeDigits(model, "1234");
  Tap(model, "login.ok");
  TypeDigits(model, "567");
  const Scene scene_pin = model.BuildScene();
  const Element* pin = scene_pin.FindId("login.field.pin");
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->text, "***");
}

TEST_F(ModelTest, LocksWhenIdleAndByButton) {
  LogIn(model);
  model.Tick(kT0 + 9 * 60 * 1000);
  EXPECT_TRUE(model.logged_in());
  model.Tick(kT0 + 11 * 60 * 1000);
  EXPECT_FALSE(model.logged_in());
  EXPECT_EQ(model.screen(), Screen::kLogin);
  EXPECT_EQ(actions.logouts.back(), "1234:idle");
  LogIn(model);
  Tap(model, "nav.lock");
  EXPECT_FALSE(model.logged_in());
  EXPECT_EQ(actions.logouts.back(), "1234:manual");
}

}  // namespace
}  // namespace anpr::hmi
