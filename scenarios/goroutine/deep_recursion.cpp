// scenarios/goroutine/deep_recursion.cpp — a goroutine's stack grows, then shrinks when idle.
//
// Look at: stack.sample events. The recursion touches ~160 KiB of its 256 KiB reserved stack;
// the pages are committed by the OS on first touch. When the goroutine parks again with a
// shallow stack, the runtime gives the unused pages back (like Go shrinking stacks at GC).
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

namespace {
// Each level uses about 1 KiB of stack; volatile keeps the compiler from folding it away.
long descend(int depth, go::Chan<int>& progress) {
  volatile char frame[1000];
  frame[0] = static_cast<char>(depth);
  if (depth % 40 == 0) progress.send(depth);  // a park point deep in the stack: sampled
  if (depth == 0) return frame[0];
  return descend(depth - 1, progress) + frame[0];
}
}  // namespace

Scenario make_deep_recursion() {
  Scenario s;
  s.id = "deep_recursion";
  s.title = "Deep recursion: a stack grows, then shrinks";
  s.summary =
      "A goroutine recurses ~160 levels of 1 KiB and parks on the way down: watch "
      "stack.sample's used/committed grow, then fall back after it returns and sleeps.";
  s.source_file = "scenarios/goroutine/deep_recursion.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    const long depth = param(opt, "depth", 160, 1, 200);
    return run_program(opt, rec, [depth] {
      using namespace std::chrono_literals;
      go::Chan<int> progress(0, "progress");
      go::Chan<int> done(0, "done");
      go::spawn("recursor", [&] {
        descend(static_cast<int>(depth), progress);
        progress.close();
        go::sleep(1ms);  // parks with a shallow stack: the deep pages are released
        done.send(1);
      });
      for (int d : progress) (void)d;
      done.recv();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
