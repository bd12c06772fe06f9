// viz/app/live_run.cpp — see live_run.hpp.
#include "viz/app/live_run.hpp"

#include <algorithm>
#include <exception>

#include "core/platform/platform.hpp"

namespace as::viz {

std::string run_title(const scenario::Scenario& s, const scenario::RunOptions& o) {
  std::string t = s.id + " (" + std::string(scenario::model_name(s.model)) + ", " +
                  (o.real ? "real threads" : "sim") + ", " + std::to_string(o.procs) + " procs";
  if (s.model == scenario::Model::Future) t += ", " + o.executor;
  if (!o.real) t += ", seed " + std::to_string(o.seed);
  return t + ")";
}

void LiveRun::start(const scenario::Scenario& scenario, scenario::RunOptions options, bool stepped,
                    TraceModel& model) {
  stop();
  recorder_ = std::make_unique<trace::Recorder>();
  cursor_ = {};
  strings_.clear();
  delivered_.clear();
  events_seen_ = 0;
  finished_.store(false);
  result_ = {};
  title_ = run_title(scenario, options);

  trace::TraceMeta meta;
  meta.runtime = title_;
  meta.model = scenario.model == scenario::Model::Goroutine ? trace::ModelKind::Goroutine
                                                            : trace::ModelKind::Future;
  meta.seed = options.seed;
  meta.workers = static_cast<uint32_t>(std::max(options.procs, 1));
  meta.simulated = !options.real;
  recorder_->meta() = meta;
  model = TraceModel();
  model.set_meta(meta);

  control_.reset();
  if (!options.real) {
    control_ = std::make_unique<platform::StepControl>(/*start_paused=*/stepped);
    options.step = control_.get();
  } else {
    options.step = nullptr;
  }
  auto run = scenario.run;
  trace::Recorder* rec = recorder_.get();
  thread_ = std::thread([this, run, options, rec] {
    scenario::RunResult r;
    try {
      r = run(options, *rec);
    } catch (const platform::RunCancelled&) {
      r.exit_code = 130;
      r.error = "run cancelled";
    } catch (const std::exception& e) {
      r.exit_code = 1;
      r.error = e.what();
    }
    {
      std::lock_guard lock(result_mu_);
      result_ = r;
    }
    finished_.store(true, std::memory_order_release);
  });
}

size_t LiveRun::drain(TraceModel& model) {
  if (!recorder_) return 0;
  fresh_.clear();
  recorder_->poll(cursor_, fresh_);
  if (fresh_.empty()) return 0;
  // Several writer threads (real runs) are each in order; merge them by time for the model.
  std::stable_sort(fresh_.begin(), fresh_.end(),
                   [](const trace::Event& a, const trace::Event& b) { return a.ts < b.ts; });
  // Strings are interned before the events that use them are published, so reading the table
  // after polling covers every id in `fresh_`.
  if (recorder_->string_count() > strings_.size()) strings_ = recorder_->strings();
  model.append(fresh_, strings_);
  if (keep_delivered) delivered_.insert(delivered_.end(), fresh_.begin(), fresh_.end());
  events_seen_ += fresh_.size();
  return fresh_.size();
}

scenario::RunResult LiveRun::result() const {
  std::lock_guard lock(result_mu_);
  return result_;
}

void LiveRun::stop() {
  if (!thread_.joinable()) return;
  if (control_) control_->cancel();
  thread_.join();
}

}  // namespace as::viz
