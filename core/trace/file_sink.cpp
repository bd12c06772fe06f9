// core/trace/file_sink.cpp — incremental .astrace writing from a live Recorder.
//
// Invariants: all file writes happen with mu_ held (the background thread and flush()/finish()
// callers never interleave blocks); pending_[b][pending_begin_[b]..] holds the polled, unwritten
// events of writer buffer b;
// a STRINGS block always precedes the first EVENTS block that uses one of its ids, because the
// sink writes, before each block, every string up to the largest id that block refers to.
#include "core/trace/file_sink.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

namespace as::trace {

FileSink::FileSink(const Recorder& rec, std::string path) : FileSink(rec, std::move(path), {}) {}

FileSink::FileSink(const Recorder& rec, std::string path, Options options)
    : rec_(rec), path_(std::move(path)), options_(options) {
  options_.block_events = std::max<size_t>(options_.block_events, 1);
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr)
    throw TraceError(path_ + ": cannot create: " + std::generic_category().message(errno));
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  writer_ = std::make_unique<AstraceWriter>(file_, path_);
  try {
    writer_->header();
    writer_->meta(rec_.meta());
    std::fflush(file_);
  } catch (...) {
    std::fclose(file_);
    throw;
  }
  if (options_.interval_ms > 0) thread_ = std::thread([this] { run_background(); });
}

FileSink::~FileSink() {
  try {
    finish();
  } catch (...) {
    // Reported only through an explicit finish(); a destructor must not throw.
  }
  if (file_ != nullptr) std::fclose(file_);
}

uint64_t FileSink::events_written() const {
  std::lock_guard lock(mu_);
  return writer_->event_count();
}

void FileSink::run_background() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms));
    if (stop_ || error_) continue;
    try {
      drain_locked(false);
      std::fflush(file_);
    } catch (...) {
      error_ = std::current_exception();
    }
  }
}

void FileSink::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

void FileSink::write_block_locked(const Event* first, size_t n) {
  // Define every string this block refers to (ids are dense, so "up to the largest").
  size_t need = 0;
  for (size_t i = 0; i < n; ++i) {
    const Event& e = first[i];
    need = std::max<size_t>(need, e.loc);
    const EventKindInfo& inf = info(e.kind);
    for (int a = 0; a < kMaxArgs; ++a)
      if (inf.args[a].type == ArgType::String) need = std::max<size_t>(need, e.args[a]);
  }
  if (need >= writer_->string_count()) {
    const auto fresh = rec_.strings_range(writer_->string_count(), need + 1);
    writer_->strings(fresh.data(), fresh.size());
  }
  writer_->events(first, n);  // validates; an unknown id throws a TraceError naming the event
}

void FileSink::drain_locked(bool include_partial) {
  rec_.poll_buffers(cursor_, pending_);
  pending_begin_.resize(pending_.size(), 0);
  const size_t block = options_.block_events;
  // Two passes: every writer's complete blocks first, then (finish, or flush(true)) the partial
  // remainders in writer order. In one pass, a remainder of writer 0 would land before writer 1's
  // complete blocks or after them depending on whether an earlier drain had already written
  // those — on when the drain thread happened to wake — and the file would not be deterministic.
  for (size_t b = 0; b < pending_.size(); ++b) {
    std::vector<Event>& events = pending_[b];
    size_t& begin = pending_begin_[b];
    while (events.size() - begin >= block) {
      write_block_locked(events.data() + begin, block);
      begin += block;
    }
  }
  for (size_t b = 0; b < pending_.size(); ++b) {
    std::vector<Event>& events = pending_[b];
    size_t& begin = pending_begin_[b];
    if (include_partial && begin < events.size()) {
      write_block_locked(events.data() + begin, events.size() - begin);
      begin = events.size();
    }
    if (begin == events.size()) {
      events.clear();
      begin = 0;
    } else if (begin > (1u << 16) && begin * 2 > events.size()) {
      events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(begin));
      begin = 0;
    }
  }
}

void FileSink::flush(bool include_partial) {
  std::lock_guard lock(mu_);
  rethrow_locked();
  if (finished_) return;
  try {
    drain_locked(include_partial);
    if (std::fflush(file_) != 0)
      throw TraceError(path_ + ": write failed: " + std::generic_category().message(errno));
  } catch (...) {
    error_ = std::current_exception();
    throw;
  }
}

void FileSink::finish() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  rethrow_locked();
  if (finished_) return;
  finished_ = true;
  try {
    drain_locked(true);
    const auto rest = rec_.strings_range(writer_->string_count(), rec_.string_count());
    writer_->strings(rest.data(), rest.size());
    writer_->meta(rec_.meta());
    writer_->end();
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0)
      throw TraceError(path_ + ": write failed: " + std::generic_category().message(errno));
  } catch (...) {
    error_ = std::current_exception();
    throw;
  }
}

}  // namespace as::trace
