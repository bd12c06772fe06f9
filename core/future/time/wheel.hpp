// core/future/time/wheel.hpp — hierarchical timing wheel (tokio/src/runtime/time/wheel/).
//
// Owns: the pending timers of one runtime, bucketed by deadline at 1 ms resolution.
// Six levels of 64 slots: level 0 slots are 1 ms wide (covers 64 ms), level 1 slots 64 ms
// (covers ~4 s), level 2 ~4 s (~4.5 min), ... level 5 covers ~2 years. A timer lives in the level
// where its deadline differs from `elapsed` in the highest 6-bit group; when the wheel reaches a
// slot of a higher level, the slot's timers cascade down to finer levels (or fire).
//
// Invariants:
//   - every entry is in exactly one slot list, or in none (unregistered/fired);
//   - occupied[level] bit s is set iff slot s of that level is non-empty;
//   - `elapsed` (ms tick) never goes backwards; an entry whose deadline is <= elapsed fires at the
//     next advance.
// Cost: insert/remove O(1); advance O(levels + fired + cascaded). Why a wheel and not a heap:
// Tokio's choice — O(1) cancellation is what makes `timeout` and `select` with a sleep cheap.
// Not thread-safe: the TimeDriver (time/driver.hpp) guards each worker's wheel with a lock.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/future/waker.hpp"

namespace as::future::time {

// TimerEntry is intrusive: it lives inside the Sleep future that owns it (pinned after first poll).
struct TimerEntry {
  uint64_t deadline_tick = 0;  // ms tick at which it fires
  TimerEntry* prev = nullptr;
  TimerEntry* next = nullptr;
  int level = -1;  // -1 = not in the wheel
  int slot = 0;
  int shard = 0;  // the TimeDriver shard (worker wheel) it is armed in
  // fired is set (release) under the driver lock as the driver's LAST touch of a fired entry,
  // after it unlinked it and took its waker: whoever reads true (acquire) may skip the lock.
  std::atomic<bool> fired{false};
  Waker waker;      // who to wake when it fires
  uint64_t id = 0;  // trace id of this timer
};

class Wheel {
 public:
  static constexpr int kLevels = 6;
  static constexpr int kSlots = 64;
  static constexpr uint64_t kMaxTick = (uint64_t{1} << (6 * kLevels)) - 1;

  uint64_t elapsed() const { return elapsed_; }
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // insert adds e (not in the wheel). Precondition: e->deadline_tick > elapsed().
  // Returns the tick at which e's slot expires (its start: what next_expiration() reports for
  // it), so that a caller tracking the next expiration needs no scan: min(old next, this).
  uint64_t insert(TimerEntry* e) {
    uint64_t when = e->deadline_tick;
    if (when - elapsed_ > kMaxTick) when = elapsed_ + kMaxTick;
    int level = level_for(elapsed_, when);
    int slot = static_cast<int>((when >> (6 * level)) & 63);
    e->level = level;
    e->slot = slot;
    e->prev = nullptr;
    e->next = slots_[level][slot];
    if (e->next) e->next->prev = e;
    slots_[level][slot] = e;
    occupied_[level] |= uint64_t{1} << slot;
    ++count_;
    // when and elapsed differ first in level's 6-bit group, where when's is larger: the slot's
    // start is after elapsed, and within the level's current rotation (no wrap).
    return when & ~((uint64_t{1} << (6 * level)) - 1);
  }

  // remove takes e out of its slot (no-op if it is not in the wheel).
  void remove(TimerEntry* e) {
    if (e->level < 0) return;
    if (e->prev) {
      e->prev->next = e->next;
    } else {
      slots_[e->level][e->slot] = e->next;
    }
    if (e->next) e->next->prev = e->prev;
    if (!slots_[e->level][e->slot]) occupied_[e->level] &= ~(uint64_t{1} << e->slot);
    e->level = -1;
    e->prev = e->next = nullptr;
    --count_;
  }

  // next_expiration is the tick at which the next slot must be processed (nullopt if empty).
  std::optional<uint64_t> next_expiration() const {
    for (int level = 0; level < kLevels; ++level) {
      if (!occupied_[level]) continue;
      const uint64_t slot_range = uint64_t{1} << (6 * level);
      const uint64_t level_range = slot_range * 64;
      const int now_slot = static_cast<int>((elapsed_ / slot_range) & 63);
      const uint64_t rotated = std::rotr(occupied_[level], now_slot);
      const int slot = (std::countr_zero(rotated) + now_slot) % 64;
      const uint64_t level_start = elapsed_ & ~(level_range - 1);
      uint64_t deadline = level_start + static_cast<uint64_t>(slot) * slot_range;
      if (deadline + slot_range <= elapsed_) deadline += level_range;  // wrapped in this level
      return deadline < elapsed_ ? elapsed_ : deadline;
    }
    return std::nullopt;
  }

  // advance moves time to `now` (ms tick), calling fire(entry) for every expired entry after
  // unlinking it. Entries of a higher-level slot that are not yet due cascade to a lower level.
  // At most `limit` entries fire: then the rest of the slot goes back (still due: the next
  // advance starts with it) and advance returns false; true = everything due has fired.
  template <class Fire>
  bool advance(uint64_t now, Fire&& fire, size_t limit = SIZE_MAX) {
    size_t fired = 0;
    while (count_ > 0) {
      auto exp = next_expiration();
      if (!exp || *exp > now) break;
      // Find the lowest level slot that expires at *exp and process it.
      int level = 0;
      for (; level < kLevels; ++level)
        if (occupied_[level]) break;
      const int slot = slot_of(level, *exp);
      TimerEntry* list = slots_[level][slot];
      slots_[level][slot] = nullptr;
      occupied_[level] &= ~(uint64_t{1} << slot);
      if (*exp > elapsed_) elapsed_ = *exp;
      while (list) {
        if (fired == limit) {
          put_back(level, slot, list);
          return false;
        }
        TimerEntry* e = list;
        list = e->next;
        // The walk is a pointer chase through entries in the tasks' frames, cold after a tick
        // (10,000 sleepers: megabytes): start the next entry's load now, so its miss overlaps
        // this entry's fire instead of following it (timers p2: the load of each entry was
        // three quarters of TimeDriver::process).
        if (list) __builtin_prefetch(list);
        e->level = -1;
        e->prev = e->next = nullptr;
        --count_;
        if (e->deadline_tick <= now) {
          fire(e);
          ++fired;
        } else {
          (void)insert(e);  // cascades to a finer level
        }
      }
    }
    if (now > elapsed_) elapsed_ = now;
    return true;
  }

 private:
  // put_back relinks the unprocessed rest of a slot's list (its entries still name this slot).
  void put_back(int level, int slot, TimerEntry* rest) {
    rest->prev = nullptr;
    if (TimerEntry* other = slots_[level][slot]) {  // inserted meanwhile (not expected): append
      while (other->next) other = other->next;
      other->next = rest;
      rest->prev = other;
    } else {
      slots_[level][slot] = rest;
    }
    occupied_[level] |= uint64_t{1} << slot;
  }
  static int level_for(uint64_t elapsed, uint64_t when) {
    uint64_t masked = (elapsed ^ when) | 63;
    int significant = 63 - std::countl_zero(masked);
    int level = significant / 6;
    return level < kLevels ? level : kLevels - 1;
  }
  int slot_of(int level, uint64_t tick) const {
    // the slot whose expiration next_expiration reported for this level
    const uint64_t slot_range = uint64_t{1} << (6 * level);
    (void)tick;
    const int now_slot = static_cast<int>((elapsed_ / slot_range) & 63);
    const uint64_t rotated = std::rotr(occupied_[level], now_slot);
    return (std::countr_zero(rotated) + now_slot) % 64;
  }

  uint64_t elapsed_ = 0;
  size_t count_ = 0;
  std::array<uint64_t, kLevels> occupied_{};
  std::array<std::array<TimerEntry*, kSlots>, kLevels> slots_{};
};

}  // namespace as::future::time
