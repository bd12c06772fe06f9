// core/goroutine/runq.hpp — the run queues: each P's local ring of 256 plus runnext, and the global
// run queue.
//
// Owns: where runnable goroutines wait for a P (proc.go: runqput, runqget, runqgrab, runqsteal,
// globrunqput, globrunqget).
//
// Invariants:
//   - LocalRunQueue is single-producer (its P's owner M pushes at tail) and multi-consumer (the
//     owner and stealing Ms take from head with a CAS). tail - head <= 256 at all times.
//   - runnext holds at most one G: the goroutine just readied by the running one. It runs next and
//     inherits the time slice (so a pingpong pair shares one slice instead of starving others).
//     Stealers take it only as a last resort (proc.go: stealRunNextG on the final steal round),
//     after a back-off (usleep(3)); on real threads only if the owner put nothing into runnext
//     during that back-off (proc.go's CAS would also take a G that left and came back).
//   - The global queue is protected by the scheduler lock (Sched::lock), exactly like sched.runq.
//     Go links it through g.schedlink; here it is a growable ring of G pointers, so moving a batch
//     to a P copies pointers without touching the Gs: a spawn storm parks 100k goroutines there
//     long enough for their records to leave the cache, and a linked list costs a miss per G.
// Why a lock-free ring: the owner pushes and pops without any lock on the hot path; stealing only
// costs a CAS on head. This is Go's design (and the Chase–Lev idea without resizing). Filling an
// empty runnext is a plain release store even with thieves (they never make it non-null).
// With procs == 1 there is no thief (Claim::Private): the owner then claims runnext and the
// head with plain loads and stores instead of exchange/CAS — a locked instruction costs ~8 ns on
// the machines here (more when the store buffer is full of trace writes it must drain first), and
// a channel round trip does four queue operations. (A store whose memory order is chosen at run
// time compiles as seq_cst, i.e. a locked XCHG: every order on these paths is a constant.)
// With real threads (Claim::Asymmetric) the owner also takes runnext without a locked instruction:
// the owner takes a G from runnext on every hand-off (twice per pingpong round trip), a thief
// tries only after proc.go's back-off, a few times per millisecond. So the thief pays for both: it
// opens a claim (steal_seq_ odd), forces a memory barrier on every running thread of the process
// (membarrier(2)), then CASes; the owner's plain store of null and its re-read of steal_seq_ are
// then ordered as if it had fenced. An owner that sees a claim open or closed during its take
// waits for it and asks whom the claim gave the G (stolen_). Go's owner CASes (runqget); this is
// the asymmetric-fence version of the same protocol (a Dekker pair with the fence moved to the
// rare side), and the simulation, TSan builds (TSan cannot see the barrier) and kernels without
// membarrier keep the CAS (Claim::Locked).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/goroutine/g.hpp"

namespace as::go::detail {

class LocalRunQueue {
 public:
  static constexpr uint32_t kSize = 256;

  // put adds g. next=true puts it in runnext, kicking the old runnext to the tail. Returns false
  // (and does not take g) if the ring is full: the caller moves half to the global queue (putslow).
  // Owner only.
  bool put(G* g, bool next, G*& kicked);
  // get returns the next G to run (runnext first) or null; inherit_time is true for runnext.
  // Owner only.
  G* get(bool& inherit_time);
  // grab_half_for_global takes half of the ring (plus extra) for the global queue when the ring is
  // full: fills batch, returns count (0 if a concurrent steal raced us; retry put then). Owner
  // only.
  uint32_t grab_half(G** batch, G* extra);
  // steal_into moves half of victim's queue into this queue (owner of this queue calls it) and
  // returns one G to run now, or null. steal_runnext: allow taking victim's runnext.
  G* steal_from(LocalRunQueue& victim, bool steal_runnext, uint32_t& stolen, void (*relax)(void*),
                void* relax_arg);
  bool empty() const;
  uint32_t size() const;
  bool has_runnext() const { return runnext_.load(std::memory_order_relaxed) != nullptr; }
  // How the owner and thieves claim runnext (see the top of this file). Before use only.
  enum class Claim : uint8_t {
    Private,     // no other M ever takes from this queue (procs == 1)
    Locked,      // owner and thieves CAS (proc.go); the simulation
    Asymmetric,  // real threads: the owner stores, a thief fences every thread (membarrier)
  };
  void set_claim(Claim claim) {
    stealable_ = claim != Claim::Private;
    asymmetric_ = claim == Claim::Asymmetric;
  }
  // asymmetric_available: the process may use Claim::Asymmetric (membarrier(2) registered; asked
  // once per process).
  static bool asymmetric_available();
  // drain removes everything (runtime shutdown). Owner only, no concurrent stealers.
  template <class F>
  void drain(F&& f) {
    bool inherit = false;
    while (G* g = get(inherit)) f(g);
  }

 private:
  uint32_t grab(G** batch, uint32_t batch_head, bool steal_runnext, void (*relax)(void*),
                void* relax_arg);

  // claim_lost: the owner took `next` from runnext while a thief's claim was open or closed
  // around its take (seq0 != seq1 or odd); waits for the claim to end and says whether it took
  // `next`.
  bool claim_lost(G* next) const;

  alignas(64) std::atomic<uint32_t> head_{0};  // consumers CAS
  alignas(64) std::atomic<uint32_t> tail_{0};  // owner stores
  std::atomic<G*> runnext_{nullptr};
  // Claim::Asymmetric: odd while a thief's runnext claim is open (thieves take turns by CAS), and
  // the runnext G the latest claim took (cleared by the owner whenever it fills runnext).
  std::atomic<uint32_t> steal_seq_{0};
  std::atomic<G*> stolen_{nullptr};
  // Claim::Asymmetric: puts into runnext so far (owner only); a thief steals runnext only if no
  // put happened during its back-off (grab).
  std::atomic<uint32_t> runnext_puts_{0};
  bool stealable_ = true;
  bool asymmetric_ = false;
  std::array<std::atomic<G*>, kSize> ring_{};
};

// GlobalRunQueue: FIFO of G pointers in a ring that doubles when full. Caller holds Sched::lock.
class GlobalRunQueue {
 public:
  void push_back(G* g);
  void push_front(G* g);
  void push_batch(G** gs, uint32_t n);
  G* pop();
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  void grow();
  std::vector<G*> ring_;  // capacity: 0 or a power of two
  uint32_t head_ = 0;     // index of the oldest G
  uint32_t size_ = 0;
};

}  // namespace as::go::detail
