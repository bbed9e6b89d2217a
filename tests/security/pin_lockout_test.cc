// Issue 14: parallel PIN guesses. Forty threads, each with its own Store
// connection to the same file (as the HMI and the CLI would be), guess one
// officer's PIN at once; the right PIN comes 31st. The lock-out must hold:
// at most max_failed_attempts guesses are compared, the officer ends locked
// and the right PIN is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/common/temp_dir.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;
constexpr int kGuesses = 40;
constexpr int kRightGuess = 30;  // the 31st

std::unique_ptr<Store> OpenStore(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

OfficersOptions Options() {
  OfficersOptions opt;
  opt.pbkdf2_iterations = 20000;  // slow enough that guesses overlap
  opt.max_failed_attempts = 5;
  return opt;
}

TEST(PinLockout, ParallelGuessesFromSeparateConnectionsLockTheOfficer) {
  testing::TempDir dir;
  const std::string path = dir.File("unit.db");
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store);
    Officers officers(store.get(), Options());
    ASSERT_TRUE(officers.AddOfficer(nullptr, "1", Role::kAdministrator, "9876", kT0).ok());
  }
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kGuesses; ++i) {
    stores.push_back(OpenStore(path));
    ASSERT_TRUE(stores.back());
  }
  std::atomic<bool> go{false};
  std::atomic<int> earlier_done{0};
  std::vector<StatusCode> results(kGuesses, StatusCode::kOk);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back([&, i] {
      Officers officers(stores[i].get(), Options());
      while (!go.load()) std::this_thread::yield();
      if (i == kRightGuess) {
        // Arrives 31st: once the 30 guesses before it have been answered
        // (SQLite's busy wait is not first come, first served, so a start
        // time alone would not make it 31st). The 9 after it race it.
        while (earlier_done.load() < kRightGuess) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        results[i] = officers.Login("1", "9876", kT0).status().code();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(i));  // in order, about 1 ms apart
      results[i] = officers.Login("1", "0000", kT0).status().code();
      if (i < kRightGuess) ++earlier_done;
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  int compared = 0;
  for (int i = 0; i < kGuesses; ++i) {
    if (results[i] != StatusCode::kPermissionDenied) ++compared;
  }
  EXPECT_LE(compared, Options().max_failed_attempts) << "PINs compared despite the lock-out";
  EXPECT_EQ(results[kRightGuess], StatusCode::kPermissionDenied) << "the 31st guess (the right PIN) got through";

  Officers officers(stores[0].get(), Options());
  EXPECT_EQ(officers.Login("1", "9876", kT0 + 1000).status().code(), StatusCode::kPermissionDenied)
      << "the officer is not locked out";
  auto rec = stores[0]->GetOfficer("1");
  ASSERT_TRUE(rec.ok());
  ASSERT_TRUE(rec->has_value());
  EXPECT_GT((*rec)->locked_until_utc_ms, kT0);
  // After the lock-out the right PIN works again.
  EXPECT_TRUE(officers.Login("1", "9876", kT0 + Options().lockout_ms + 1).ok());
}

TEST(PinLockout, WrongUnlockPinsCountTowardsTheLockOut) {
  testing::TempDir dir;
  auto store = OpenStore(dir.File("unit.db"));
  ASSERT_TRUE(store);
  Officers officers(store.get(), Options());
  ASSERT_TRUE(officers.AddOfficer(nullptr, "1", Role::kAdministrator, "9876", kT0).ok());
  auto session = officers.Login("1", "9876", kT0);
  ASSERT_TRUE(session.ok());
  const int64_t idle_at = kT0 + Options().idle_lock_ms;
  ASSERT_TRUE(officers.CheckIdle(&*session, idle_at));
  for (int i = 0; i < Options().max_failed_attempts; ++i) {
    EXPECT_EQ(officers.Unlock(&*session, "0000", idle_at).code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(officers.Unlock(&*session, "9876", idle_at).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(session->locked);
}

}  // namespace
}  // namespace anpr
