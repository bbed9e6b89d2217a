// The fixture the HMI model tests share: a model at 800x480 with fake
// actions and a recording sound sink, its clock started at kT0
// (hmi_test_util.h).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "hmi/model.h"
#include "tests/hmi/hmi_test_util.h"

namespace anpr::hmi::testing {

struct ModelTest : ::testing::Test {
  FakeActions actions;
  RecordingSound sound;
  HmiModel model{HmiConfig{}, &actions, &sound};
  int64_t now = kT0;
  void SetUp() override { model.Tick(kT0); }
  // Lets the model's clock run on by `ms`.
  void Wait(int64_t ms) {
    now += ms;
    model.Tick(now);
  }
  // Past the time a hit just shown ignores touches.
  void Settle() { Wait(kHitSettleMs); }
  // Past the UNDO window: the held outcome is recorded.
  void PastUndo() { Wait(kUndoMs); }
  void Drive(double mps) {
    UnitStatus s;
    s.gps_fix = FixMode::k3D;
    s.speed_mps = mps;
    model.SetStatus(s);
  }
};

}  // namespace anpr::hmi::testing
