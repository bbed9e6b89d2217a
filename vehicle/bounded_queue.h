// A bounded multi-producer multi-consumer queue for the unit's pipeline.
// Thread-safe. Two push policies, because the pipeline has two kinds of
// traffic:
//  - frames: PushDropOldest never blocks the producer (capture must never
//    wait on recognition); when full, the oldest item is discarded and counted.
//  - evidence (reads, hits): PushWait blocks until there is room, so nothing
//    is ever dropped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace anpr {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity ? capacity : 1) {}

  // Appends `item`; if the queue is full, drops the oldest item first.
  // Returns false only when the queue is closed (item discarded).
  bool PushDropOldest(T item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) return false;
      if (items_.size() >= capacity_) {
        items_.pop_front();
        ++dropped_;
      }
      items_.push_back(std::move(item));
      ++pushed_;
    }
    not_empty_.notify_one();
    return true;
  }

  // Appends `item`, waiting for room. Returns false when the queue is closed.
  bool PushWait(T item) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
      if (closed_) return false;
      items_.push_back(std::move(item));
      ++pushed_;
    }
    not_empty_.notify_one();
    return true;
  }

  // Removes the oldest item, waiting up to `timeout`. Empty optional on
  // timeout, or when the queue is closed and drained.
  std::optional<T> PopFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); })) {
      return std::nullopt;
    }
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return item;
  }

  // Wakes every waiter; later pushes fail; pops drain what is left.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }
  // Items accepted and items discarded by PushDropOldest, since construction.
  uint64_t pushed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return pushed_;
  }
  uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mu_);
    return dropped_;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  bool closed_ = false;
  uint64_t pushed_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace anpr
