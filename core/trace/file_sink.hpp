// core/trace/file_sink.hpp — streams a live Recorder to an .astrace file while the runtime runs.
//
// Owns: the output file and a Cursor into the Recorder. A background thread (or explicit flush()
// calls) drains newly published events into EVENTS blocks of exactly Options::block_events events,
// each preceded by the STRINGS block defining any new string it uses; finish() writes the rest,
// a final META block (the Recorder's meta at that moment) and END.
//
// Determinism: each EVENTS block holds events of one writer thread, and a block is written when
// that writer has block_events new events (the rest at finish(), after every complete block, in
// writer order). Boundaries thus
// depend only on event counts, never on when the drain thread wakes, so a simulation (one writer
// thread that emits in bulk, plus maybe a control thread emitting fewer than block_events events)
// produces byte-identical files for the same seed. The file is
// written in place (no temp + rename) so that it can be followed while it grows; it is only a
// valid .astrace file once finish() has returned.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/trace/astrace.hpp"
#include "core/trace/recorder.hpp"

namespace as::trace {

class FileSink {
 public:
  struct Options {
    size_t block_events = 4096;  // events per EVENTS block while streaming (≥ 1)
    int interval_ms = 20;        // background drain period; 0 = no thread, drain on flush() only
  };

  // Opens `path` and writes the header and a first META block. Throws TraceError.
  FileSink(const Recorder& rec, std::string path);
  FileSink(const Recorder& rec, std::string path, Options options);
  // Calls finish() if it was not called, swallowing errors (call finish() to see them).
  ~FileSink();
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  // flush writes every complete block available now (and, with include_partial, the remainder
  // too — that makes block boundaries depend on when flush is called). Throws TraceError,
  // including an error the background thread met earlier.
  void flush(bool include_partial = false);
  // finish drains everything, writes the final META and END blocks and closes the file. Events
  // emitted after finish() are not in the file. Idempotent. Throws TraceError.
  void finish();

  const std::string& path() const { return path_; }
  uint64_t events_written() const;

 private:
  void drain_locked(bool include_partial);  // mu_ held
  void write_block_locked(const Event* first, size_t n);
  void run_background();
  void rethrow_locked();

  const Recorder& rec_;
  std::string path_;
  Options options_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<AstraceWriter> writer_;
  Recorder::Cursor cursor_;
  std::vector<std::vector<Event>> pending_;  // per writer buffer: polled, not yet written
  std::vector<size_t> pending_begin_;        // per writer buffer: first unwritten event
  bool finished_ = false;
  std::exception_ptr error_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace as::trace
