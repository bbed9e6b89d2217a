// A mutex, its scoped lock and a condition variable that clang's thread-safety
// analysis understands (-Wthread-safety, on in the clang build that
// tests/run.sh makes). libstdc++'s std::mutex carries no annotations, so
// state guarded by a std::mutex cannot be checked; state guarded by an
// anpr::Mutex and marked ANPR_GUARDED_BY(mu_) can: reading or writing it
// without holding mu_ is a compile error there. With g++ the macros are empty
// and these are thin wrappers over the standard types.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define ANPR_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define ANPR_THREAD_ANNOTATION(x)
#endif

#define ANPR_CAPABILITY(x) ANPR_THREAD_ANNOTATION(capability(x))
#define ANPR_SCOPED_CAPABILITY ANPR_THREAD_ANNOTATION(scoped_lockable)
#define ANPR_GUARDED_BY(x) ANPR_THREAD_ANNOTATION(guarded_by(x))
#define ANPR_PT_GUARDED_BY(x) ANPR_THREAD_ANNOTATION(pt_guarded_by(x))
#define ANPR_REQUIRES(...) ANPR_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ANPR_EXCLUDES(...) ANPR_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ANPR_ACQUIRE(...) ANPR_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ANPR_RELEASE(...) ANPR_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define ANPR_NO_THREAD_SAFETY_ANALYSIS ANPR_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace anpr {

// A non-recursive mutex. Lockable, so std::condition_variable_any can wait
// on it (see CondVar).
class ANPR_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ANPR_ACQUIRE() { mu_.lock(); }
  void unlock() ANPR_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds `mu` from construction to destruction, or until Unlock(); Lock()
// takes it again. Not movable.
class ANPR_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ANPR_ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() ANPR_RELEASE() {
    if (held_) mu_->unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // For a stretch of work that must not hold the lock (I/O, callbacks).
  void Unlock() ANPR_RELEASE() {
    mu_->unlock();
    held_ = false;
  }
  void Lock() ANPR_ACQUIRE() {
    mu_->lock();
    held_ = true;
  }

 private:
  Mutex* mu_;
  bool held_ = true;
};

// A condition variable used with an anpr::Mutex the caller holds. The
// predicate runs with the mutex held; the analysis cannot see that, so
// predicates that read guarded state are written as lambdas marked
// ANPR_REQUIRES(mu) or call such functions.
class CondVar {
 public:
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

  // Waits until `done()` is true. Requires `mu` held; holds it on return.
  template <typename Predicate>
  void Wait(Mutex* mu, Predicate done) ANPR_REQUIRES(mu) {
    cv_.wait(*mu, done);
  }
  // Waits until `done()` is true or `timeout` passed; returns done().
  template <typename Rep, typename Period, typename Predicate>
  bool WaitFor(Mutex* mu, std::chrono::duration<Rep, Period> timeout, Predicate done) ANPR_REQUIRES(mu) {
    return cv_.wait_for(*mu, timeout, done);
  }

 private:
  std::condition_variable_any cv_;
};

}  // namespace anpr
