// core/goroutine/runq.cpp — P-local lock-free run queue and the global run queue (see runq.hpp).
//
// Memory ordering follows proc.go: the owner publishes a slot with a release store of tail; a
// consumer reads slots after an acquire load of tail and claims them with a CAS on head (release),
// so a slot is never overwritten before every consumer that read it has lost or won its CAS.
#include "core/goroutine/runq.hpp"

namespace as::go::detail {

bool LocalRunQueue::put(G* g, bool next, G*& kicked) {
  kicked = nullptr;
  if (next) {
    // Only the owner makes runnext non-null; thieves only take it (CAS non-null -> null). So an
    // empty runnext cannot change under us, and filling it needs no locked instruction — only
    // replacing a G a thief may be taking at this moment does (proc.go's runqput CAS loop).
    G* old = runnext_.load(std::memory_order_relaxed);
    if (old == nullptr || !stealable_)
      runnext_.store(g, stealable_ ? std::memory_order_release : std::memory_order_relaxed);
    else
      old = runnext_.exchange(g, std::memory_order_acq_rel);
    if (old == nullptr) return true;
    g = old;  // kick the old runnext out to the regular queue
  }
  const uint32_t h = head_.load(std::memory_order_acquire);
  const uint32_t t = tail_.load(std::memory_order_relaxed);
  if (t - h < kSize) {
    ring_[t % kSize].store(g, std::memory_order_relaxed);
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  kicked = g;  // the ring is full: the caller moves half of it to the global queue
  return false;
}

G* LocalRunQueue::get(bool& inherit_time) {
  G* next = runnext_.load(std::memory_order_relaxed);
  if (next != nullptr) {
    if (!stealable_) {
      runnext_.store(nullptr, std::memory_order_relaxed);
      inherit_time = true;
      return next;
    }
    if (runnext_.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
      inherit_time = true;
      return next;
    }
  }
  inherit_time = false;
  for (;;) {
    uint32_t h = head_.load(std::memory_order_acquire);
    const uint32_t t = tail_.load(std::memory_order_relaxed);
    if (t == h) return nullptr;
    G* g = ring_[h % kSize].load(std::memory_order_relaxed);
    // The G after this one runs next: start loading its record now (after a spawn storm most
    // queued Gs are no longer in the cache).
    if (t - h > 1) __builtin_prefetch(ring_[(h + 1) % kSize].load(std::memory_order_relaxed));
    if (!stealable_) {
      head_.store(h + 1, std::memory_order_release);
      return g;
    }
    if (head_.compare_exchange_strong(h, h + 1, std::memory_order_release)) return g;
  }
}

uint32_t LocalRunQueue::grab_half(G** batch, G* extra) {
  uint32_t h = head_.load(std::memory_order_acquire);
  const uint32_t t = tail_.load(std::memory_order_relaxed);
  uint32_t n = (t - h) / 2;
  if (n != kSize / 2) return 0;  // the queue is no longer full: a stealer took some
  for (uint32_t i = 0; i < n; ++i)
    batch[i] = ring_[(h + i) % kSize].load(std::memory_order_relaxed);
  if (!head_.compare_exchange_strong(h, h + n, std::memory_order_release)) return 0;
  batch[n] = extra;
  return n + 1;
}

uint32_t LocalRunQueue::grab(G** batch, uint32_t batch_head, bool steal_runnext,
                             void (*relax)(void*), void* relax_arg) {
  for (;;) {
    uint32_t h = head_.load(std::memory_order_acquire);
    const uint32_t t = tail_.load(std::memory_order_acquire);
    uint32_t n = t - h;
    n = n - n / 2;
    if (n == 0) {
      if (steal_runnext) {
        G* next = runnext_.load(std::memory_order_acquire);
        if (next != nullptr) {
          // The owner is probably about to run it (it just readied it and will block); give it
          // a moment so we do not bounce a pingpong pair between threads (proc.go usleep(3)).
          if (relax) relax(relax_arg);
          if (!runnext_.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) continue;
          batch[batch_head % kSize] = next;
          return 1;
        }
      }
      return 0;
    }
    if (n > kSize / 2) continue;  // read an inconsistent h and t
    for (uint32_t i = 0; i < n; ++i)
      batch[(batch_head + i) % kSize] = ring_[(h + i) % kSize].load(std::memory_order_relaxed);
    if (head_.compare_exchange_strong(h, h + n, std::memory_order_release)) return n;
  }
}

G* LocalRunQueue::steal_from(LocalRunQueue& victim, bool steal_runnext, uint32_t& stolen,
                             void (*relax)(void*), void* relax_arg) {
  // Grab into a scratch array, then publish into our own ring (Go grabs straight into the ring's
  // free slots; the scratch copy keeps every ring slot an atomic without casts).
  G* batch[kSize];
  const uint32_t n = victim.grab(batch, 0, steal_runnext, relax, relax_arg);
  stolen = n;
  if (n == 0) return nullptr;
  G* run_now = batch[n - 1];
  if (n == 1) return run_now;
  const uint32_t h = head_.load(std::memory_order_acquire);
  uint32_t t = tail_.load(std::memory_order_relaxed);
  // We only steal when our own queue is empty, so n-1 <= 128 always fits.
  (void)h;
  for (uint32_t i = 0; i + 1 < n; ++i)
    ring_[(t + i) % kSize].store(batch[i], std::memory_order_relaxed);
  tail_.store(t + n - 1, std::memory_order_release);
  return run_now;
}

bool LocalRunQueue::empty() const {
  // A G may be between runnext and the ring; check both like runqempty does.
  for (;;) {
    const uint32_t h = head_.load(std::memory_order_acquire);
    const uint32_t t = tail_.load(std::memory_order_acquire);
    G* next = runnext_.load(std::memory_order_acquire);
    if (tail_.load(std::memory_order_acquire) == t) return h == t && next == nullptr;
  }
}

uint32_t LocalRunQueue::size() const {
  const uint32_t h = head_.load(std::memory_order_acquire);
  const uint32_t t = tail_.load(std::memory_order_acquire);
  return t - h;
}

void GlobalRunQueue::grow() {
  const size_t cap = ring_.size();
  std::vector<G*> bigger(cap == 0 ? 256 : 2 * cap);
  for (uint32_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (cap - 1)];
  ring_.swap(bigger);
  head_ = 0;
}

void GlobalRunQueue::push_back(G* g) {
  if (size_ == ring_.size()) grow();
  ring_[(head_ + size_) & (ring_.size() - 1)] = g;
  ++size_;
}

void GlobalRunQueue::push_front(G* g) {
  if (size_ == ring_.size()) grow();
  head_ = (head_ - 1) & static_cast<uint32_t>(ring_.size() - 1);
  ring_[head_] = g;
  ++size_;
}

void GlobalRunQueue::push_batch(G** gs, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) push_back(gs[i]);
}

G* GlobalRunQueue::pop() {
  if (size_ == 0) return nullptr;
  G* g = ring_[head_];
  head_ = (head_ + 1) & static_cast<uint32_t>(ring_.size() - 1);
  --size_;
  return g;
}

}  // namespace as::go::detail
