// core/platform/step_control.cpp — the UI ↔ simulation handshake (see step_control.hpp).
//
// One mutex and one condition variable guard everything; the simulation thread takes the mutex
// once per step (a few tens of ns) — negligible next to what a step does, and only when a
// StepControl is attached at all.
#include "core/platform/step_control.hpp"

#include <vector>

namespace as::platform {

StepControl::StepControl(bool start_paused) : mode_(start_paused ? Mode::Paused : Mode::Running) {}

void StepControl::pause() {
  std::lock_guard lock(mu_);
  mode_ = Mode::Paused;
  step_budget_ = 0;
  until_ = nullptr;
  cv_.notify_all();
}

void StepControl::resume() {
  std::lock_guard lock(mu_);
  waiting_ = false;  // no longer at rest; wait_until_paused() waits for the next pause
  mode_ = Mode::Running;
  until_ = nullptr;
  cv_.notify_all();
}

void StepControl::step(uint64_t n) {
  std::lock_guard lock(mu_);
  waiting_ = false;  // no longer at rest; wait_until_paused() waits for the next pause
  mode_ = Mode::Stepping;
  step_budget_ = n;
  until_ = nullptr;
  cv_.notify_all();
}

void StepControl::run_until(EventPredicate pred) {
  std::lock_guard lock(mu_);
  waiting_ = false;  // no longer at rest; wait_until_paused() waits for the next pause
  mode_ = Mode::Until;
  until_ = std::move(pred);
  resync_ = true;  // events recorded before this call do not count
  cv_.notify_all();
}

void StepControl::cancel() {
  std::lock_guard lock(mu_);
  cancel_ = true;
  cv_.notify_all();
}

void StepControl::set_max_steps_per_second(double rate) {
  std::lock_guard lock(mu_);
  max_rate_ = rate > 0 ? rate : 0;
  cv_.notify_all();
}

bool StepControl::paused() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

bool StepControl::finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

bool StepControl::cancel_requested() const {
  std::lock_guard lock(mu_);
  return cancel_;
}

uint64_t StepControl::steps_done() const {
  std::lock_guard lock(mu_);
  return steps_;
}

int64_t StepControl::virtual_now() const {
  std::lock_guard lock(mu_);
  return now_;
}

bool StepControl::wait_until_paused(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return waiting_ || finished_; });
}

void StepControl::attach(const trace::Recorder* recorder) {
  std::lock_guard lock(mu_);
  recorder_ = recorder;
  cursor_ = {};
  steps_ = 0;
  now_ = 0;
  finished_ = false;
  waiting_ = false;
  cancel_ = false;
  if (mode_ == Mode::Stepping && step_budget_ == 0) mode_ = Mode::Paused;
}

bool StepControl::before_step() {
  std::unique_lock lock(mu_);
  auto allowed = [&] {
    if (cancel_) return true;
    switch (mode_) {
      case Mode::Paused:
        return false;
      case Mode::Stepping:
        return step_budget_ > 0;
      case Mode::Running:
      case Mode::Until:
        return true;
    }
    return false;
  };
  while (!allowed()) {
    waiting_ = true;
    cv_.notify_all();  // wake wait_until_paused()
    cv_.wait(lock);
  }
  waiting_ = false;
  if (cancel_) return false;
  if (mode_ == Mode::Stepping) --step_budget_;
  if (resync_ && recorder_ != nullptr) {
    std::vector<trace::Event> earlier;
    recorder_->poll(cursor_, earlier);
  }
  resync_ = false;
  // Throttle free running: sleep until the next step is due (wakes early on any control call).
  if (max_rate_ > 0 && mode_ != Mode::Stepping) {
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / max_rate_));
    const auto due = last_step_time_ + interval;
    cv_.wait_until(lock, due, [&] { return cancel_ || mode_ == Mode::Paused; });
    if (cancel_) return false;
    last_step_time_ = std::chrono::steady_clock::now();
  }
  return true;
}

void StepControl::after_step(int64_t now) {
  // Only in run_until mode are new events read (poll is thread-safe; the predicate is copied so
  // it runs outside the lock and the controller is never blocked by it).
  EventPredicate pred;
  {
    std::lock_guard lock(mu_);
    ++steps_;
    now_ = now;
    if (mode_ == Mode::Stepping && step_budget_ == 0) mode_ = Mode::Paused;
    if (mode_ != Mode::Until || recorder_ == nullptr) return;
    pred = until_;
  }
  std::vector<trace::Event> fresh;
  recorder_->poll(cursor_, fresh);
  bool hit = false;
  for (const trace::Event& e : fresh) {
    if (pred && pred(e)) {
      hit = true;
      break;
    }
  }
  if (hit) {
    std::lock_guard lock(mu_);
    if (mode_ == Mode::Until) {
      mode_ = Mode::Paused;
      until_ = nullptr;
    }
  }
}

void StepControl::detach() {
  std::lock_guard lock(mu_);
  finished_ = true;
  waiting_ = false;
  recorder_ = nullptr;
  cv_.notify_all();
}

}  // namespace as::platform
