// viz/model/flat_map.hpp — a small open-addressing hash map from uint32 keys to values.
//
// Owns: nothing but its two arrays (keys, values). Used for the replay state's live tasks, which is
// looked up on every replayed event and copied at every checkpoint: linear probing over flat
// arrays makes both a few loads / one memcpy-like copy, where std::unordered_map allocates a node
// per entry (slow to copy, slow to walk).
//
// Invariants: capacity is a power of two (or 0); at most 70% of slots are used (live + erased);
// keys kEmpty and kErased are reserved (lane indices never reach them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace as::viz {

template <class V>
class FlatMap32 {
 public:
  static constexpr uint32_t kEmpty = ~0u;
  static constexpr uint32_t kErased = ~0u - 1;

  size_t size() const { return size_; }
  size_t capacity() const { return keys_.size(); }

  // find returns the value of key k, or nullptr.
  V* find(uint32_t k) {
    if (keys_.empty()) return nullptr;
    for (size_t s = slot(k);; s = (s + 1) & mask()) {
      if (keys_[s] == k) return &values_[s];
      if (keys_[s] == kEmpty) return nullptr;
    }
  }
  const V* find(uint32_t k) const { return const_cast<FlatMap32*>(this)->find(k); }

  // operator[] returns the value of k, inserting V{} first if absent. References stay valid
  // until the next insertion.
  V& operator[](uint32_t k) {
    if (V* v = find(k)) return *v;
    if ((used_ + 1) * 10 > keys_.size() * 7)
      rehash(size_ * 2 + 16 > keys_.size() ? keys_.size() * 2 : keys_.size());
    size_t s = slot(k);
    while (keys_[s] != kEmpty && keys_[s] != kErased) s = (s + 1) & mask();
    if (keys_[s] == kEmpty) ++used_;
    keys_[s] = k;
    values_[s] = V{};
    ++size_;
    return values_[s];
  }

  void erase(uint32_t k) {
    if (V* v = find(k)) {
      const size_t s = static_cast<size_t>(v - values_.data());
      keys_[s] = kErased;
      values_[s] = V{};
      --size_;
    }
  }

  // for_each calls f(key, value) for every entry (in slot order, not key order).
  template <class F>
  void for_each(F&& f) const {
    for (size_t s = 0; s < keys_.size(); ++s)
      if (keys_[s] != kEmpty && keys_[s] != kErased) f(keys_[s], values_[s]);
  }

 private:
  size_t mask() const { return keys_.size() - 1; }
  size_t slot(uint32_t k) const { return (k * 0x9E3779B1u) & mask(); }

  void rehash(size_t cap) {
    if (cap < 16) cap = 16;
    std::vector<uint32_t> old_keys(cap, kEmpty);
    std::vector<V> old_values(cap);
    old_keys.swap(keys_);
    old_values.swap(values_);
    size_ = 0;
    used_ = 0;
    for (size_t s = 0; s < old_keys.size(); ++s) {
      if (old_keys[s] == kEmpty || old_keys[s] == kErased) continue;
      size_t d = slot(old_keys[s]);
      while (keys_[d] != kEmpty) d = (d + 1) & mask();
      keys_[d] = old_keys[s];
      values_[d] = old_values[s];
      ++size_;
      ++used_;
    }
  }

  std::vector<uint32_t> keys_;
  std::vector<V> values_;
  size_t size_ = 0;  // live entries
  size_t used_ = 0;  // live + erased slots
};

}  // namespace as::viz
