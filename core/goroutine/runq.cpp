// core/goroutine/runq.cpp — P-local lock-free run queue and the global run queue (see runq.hpp).
//
// Memory ordering follows proc.go: the owner publishes a slot with a release store of tail; a
// consumer reads slots after an acquire load of tail and claims them with a CAS on head (release),
// so a slot is never overwritten before every consumer that read it has lost or won its CAS.
#include "core/goroutine/runq.hpp"

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <thread>

namespace as::go::detail {

namespace {
// process_barrier makes every thread of this process that is running right now execute a full
// memory barrier (and a thread that is not running passes one when it is switched in).
void process_barrier() {
#if defined(__linux__)
  if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) return;
  // Not registered (never expected: asymmetric_available registered this process, and a fork
  // inherits it): register again, else fall back to the slow barrier every kernel has.
  if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
      syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
    return;
  syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
#endif
}
}  // namespace

namespace {
void prefetch_stack(const G* g) {
  const fiber::Fiber* f = g->fiber;
  if (f == nullptr || f->state() != fiber::Fiber::State::Suspended) return;
  const size_t used = f->used_bytes();
  if (used == 0) return;
  const char* sp = static_cast<const char*>(f->stack().top()) - used;
  for (int line = -2; line <= 4; ++line) __builtin_prefetch(sp + line * 64);
}
}  // namespace

bool LocalRunQueue::asymmetric_available() {
#if defined(__linux__) && !defined(ASYNCSCOPE_TSAN)
  static const bool available = [] {
    const long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds < 0 || (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return false;
    return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
  }();
  return available;
#else
  // TSan cannot see a barrier made by another thread's system call: it would report the owner's
  // plain claim as racing with the thief's. Under TSan the queues keep proc.go's CAS.
  return false;
#endif
}

bool LocalRunQueue::put(G* g, bool next, G*& kicked) {
  kicked = nullptr;
  if (next) {
    // Only the owner makes runnext non-null; thieves only take it (CAS non-null -> null). So an
    // empty runnext cannot change under us, and filling it needs no locked instruction — only
    // replacing a G a thief may be taking at this moment does (proc.go's runqput CAS loop).
    // A claim that took the previous runnext G is settled by now (the owner never fills runnext
    // while it waits in claim_lost): forget its answer, which is about an older G.
    if (asymmetric_) {
      if (stolen_.load(std::memory_order_relaxed) != nullptr)
        stolen_.store(nullptr, std::memory_order_relaxed);
      runnext_puts_.store(runnext_puts_.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
    }
    G* old = runnext_.load(std::memory_order_relaxed);
    if (old == nullptr || !stealable_)
      // A constant order: a store whose order is chosen at run time compiles as a seq_cst store,
      // an XCHG on x86 — the very locked instruction this path avoids.
      runnext_.store(g, std::memory_order_release);
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
  if (asymmetric_) {
    // Claim::Asymmetric: the owner's half of the Dekker pair, without a fence (the thief's
    // membarrier puts one between the store of null and the second read of steal_seq_). A
    // thief's claim that overlapped these four steps changed steal_seq_ between the reads or
    // is still open: then claim_lost tells who has `next`.
    const uint32_t seq0 = steal_seq_.load(std::memory_order_acquire);
    G* next = runnext_.load(std::memory_order_relaxed);
    if (next != nullptr) {
      runnext_.store(nullptr, std::memory_order_relaxed);
      std::atomic_signal_fence(std::memory_order_seq_cst);
      const uint32_t seq1 = steal_seq_.load(std::memory_order_relaxed);
      if ((seq0 == seq1 && (seq1 & 1) == 0) || !claim_lost(next)) {
        inherit_time = true;
        return next;
      }
    }
  } else if (G* next = runnext_.load(std::memory_order_relaxed); next != nullptr) {
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
    if (!stealable_) {
      head_.store(h + 1, std::memory_order_release);
      // Start loading what the next Gs will touch (after a spawn storm or a heap run of
      // thousands of timers they are out of the cache): the record of the one after next, and
      // for the next one, whose record was loaded one take ago, the top of its stack, where its
      // switch-in restores its registers and its first instructions return through its frames.
      // With one P nobody else can start the next G meanwhile, so reading its fiber is safe.
      if (t - h > 2) __builtin_prefetch(ring_[(h + 2) % kSize].load(std::memory_order_relaxed));
      if (t - h > 1) prefetch_stack(ring_[(h + 1) % kSize].load(std::memory_order_relaxed));
      return g;
    }
    // The G after this one runs next: start loading its record now.
    if (t - h > 1) __builtin_prefetch(ring_[(h + 1) % kSize].load(std::memory_order_relaxed));
    if (head_.compare_exchange_strong(h, h + 1, std::memory_order_release)) return g;
  }
}

bool LocalRunQueue::claim_lost(G* next) const {
  uint32_t seq;
  int spins = 0;
  while (((seq = steal_seq_.load(std::memory_order_acquire)) & 1) != 0) {
    // The claim is a membarrier and a CAS away from closing.
    if (++spins > 64) {
      std::this_thread::yield();
      spins = 0;
    }
  }
  (void)seq;
  // No claim is open now and runnext is empty: a claim that took `next` has published it in
  // stolen_ (released with steal_seq_), and no later claim can take anything before our next put.
  return stolen_.load(std::memory_order_relaxed) == next;
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
          const uint32_t puts = runnext_puts_.load(std::memory_order_relaxed);
          if (relax) relax(relax_arg);
          if (asymmetric_) {
            // Steal only a G that sat in runnext for the whole back-off: if the owner filled
            // runnext meanwhile (a pingpong does so every few hundred ns, often with the same G
            // again) it is scheduling, which is what the back-off waits for — proc.go's CAS
            // would take a G that came back (ABA) and move the pair to this thread. Either way,
            // spare the owner the barrier's interrupt.
            if (runnext_.load(std::memory_order_relaxed) != next ||
                runnext_puts_.load(std::memory_order_relaxed) != puts)
              continue;
            // Open a claim (one thief at a time), fence the owner, then CAS as proc.go does.
            uint32_t seq = steal_seq_.load(std::memory_order_relaxed);
            if ((seq & 1) != 0 ||
                !steal_seq_.compare_exchange_strong(seq, seq + 1, std::memory_order_acq_rel))
              return 0;  // another thief is claiming it: leave it to them
            process_barrier();
            G* expected = next;
            const bool took =
                runnext_.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
            if (took) stolen_.store(next, std::memory_order_relaxed);
            steal_seq_.store(seq + 2, std::memory_order_release);  // publishes stolen_
            if (!took) continue;
          } else if (!runnext_.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
            continue;
          }
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
