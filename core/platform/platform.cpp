// core/platform/platform.cpp — the parts of Platform shared by sim and os, and the factory.
#include "core/platform/platform.hpp"

#include "core/trace/recorder.hpp"

namespace as::platform {

Platform::~Platform() {
  // A recorder outliving us must not call back into a dead platform.
  if (recorder_ != nullptr) recorder_->set_clock(trace::Recorder::RawClockFn{nullptr}, nullptr);
}

void Platform::attach_recorder(trace::Recorder* recorder) {
  if (recorder_ != nullptr && recorder_ != recorder)
    recorder_->set_clock(trace::Recorder::RawClockFn{nullptr}, nullptr);
  recorder_ = recorder;
  if (recorder_ == nullptr) return;
  if (simulated()) {
    recorder_->set_clock(
        [](void* self) -> int64_t { return static_cast<const Platform*>(self)->now(); }, this);
  } else {
    // Real threads: the recorder's built-in clock is monotonic_ns(), the very clock now() reads,
    // called inline instead of through two indirect calls per event.
    recorder_->set_clock(trace::Recorder::RawClockFn{nullptr}, nullptr);
  }
  recorder_->meta().seed = seed();
  recorder_->meta().simulated = simulated();
}

std::unique_ptr<Platform> make_platform(bool real, uint64_t seed, StepControl* step) {
  if (real) {
    OsConfig config;
    config.seed = seed;
    return make_os_platform(config);
  }
  SimConfig config;
  config.seed = seed;
  config.step = step;
  return make_sim_platform(config);
}

}  // namespace as::platform
