// scenarios/future/fanout.cpp — one producer, N worker tasks pulling from a shared queue.
// Look at: workers steal each other's tasks on the multi-thread executor (Steal events), the
// bounded channel applies back-pressure to the producer (TaskBlock chan send).
#include <memory>

#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<long> summer(std::shared_ptr<fut::Semaphore> lock,
                              std::shared_ptr<fut::mpsc::Receiver<int>> rx) {
  long sum = 0;
  for (;;) {
    std::optional<int> v;
    {
      auto permit = co_await lock->acquire();  // the receiver is single-consumer: take turns
      v = co_await rx->recv();
    }
    if (!v) break;
    sum += *v;
    fut::busy_work(std::chrono::microseconds(2));  // modelled per-item work
  }
  co_return sum;
}

static fut::Task<int> fanout_main(int items, int workers) {
  auto [tx, rx] = fut::mpsc::channel<int>(64);
  auto shared_rx = std::make_shared<fut::mpsc::Receiver<int>>(std::move(rx));
  auto lock = std::make_shared<fut::Semaphore>(1);
  std::vector<fut::JoinHandle<long>> hs;
  for (int w = 0; w < workers; ++w) hs.push_back(fut::spawn(summer(lock, shared_rx), "summer"));
  for (int i = 1; i <= items; ++i) (void)co_await tx.send(i);
  { auto close = std::move(tx); }
  long total = 0;
  for (auto& h : hs) total += (co_await h).value();
  co_return total == static_cast<long>(items) * (items + 1) / 2 ? 0 : 1;
}

Scenario fanout() {
  return make("fanout", "One producer fans out work to 4 tasks",
              "Back-pressure on a bounded mpsc; on multi, idle workers steal half of a busy "
              "worker's queue.",
              "scenarios/future/fanout.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const int n = static_cast<int>(param_int(o, "n", 200, 1, 10'000'000));
                const int w = static_cast<int>(param_int(o, "workers", 4, 1, 1000));
                return run_future(o, rec, [n, w] { return fanout_main(n, w); });
              });
}

}  // namespace as::scenario::future_scn
