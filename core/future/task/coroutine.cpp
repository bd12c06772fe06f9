// core/future/task/coroutine.cpp — frame allocation tracing for Task<T> coroutines.
// The frame of a coroutine is the state machine the compiler wrote for it: its size is the
// future's "stack" (FrameAlloc/FrameFree on the lane of the task whose code created it).
#include "core/future/task/coroutine.hpp"

#include <utility>

namespace as::future::detail {

void trace_frame_alloc(size_t bytes) {
  trace::Recorder* const rec = tl_current.recorder;
  if (!rec) return;
  flush_held_frame_alloc();  // one held at a time: an earlier one is written now
  if (bytes > 0xffff) {      // too large to ride in a TaskCreate (a FollowOn's 16-bit argument)
    rec->emit(trace::EventKind::FrameAlloc, tl_current.worker, tl_current.task, bytes);
    return;
  }
  tl_held_frame_alloc = {rec, tl_current.task, tl_current.worker, static_cast<uint32_t>(bytes)};
}

void flush_frame_alloc() {
  const HeldFrameAlloc h = std::exchange(tl_held_frame_alloc, HeldFrameAlloc{});
  h.rec->emit(trace::EventKind::FrameAlloc, h.worker, h.task, h.bytes);
}

void flush_held_frame_free() {
  HeldFrameFree& h = tl_held_frame_free;
  if (!h.held) return;
  h.held = false;
  h.rec->emit_same_time(trace::EventKind::FrameFree, h.worker, h.task, h.bytes);
}

void trace_frame_free(size_t bytes) {
  trace::Recorder* const rec = tl_current.recorder;
  if (!rec) return;
  flush_held_frame_alloc();
  if (HeldFrameFree& h = tl_held_frame_free; h.rec == rec) {
    // The executor is dropping a finished Task: hold the last free for its TaskStop record.
    flush_held_frame_free();  // an earlier frame of the same drop goes first
    if (bytes <= 0xffff) {
      h.task = tl_current.task;
      h.worker = tl_current.worker;
      h.bytes = static_cast<uint32_t>(bytes);
      h.held = true;
      return;
    }
  }
  if (rec == tl_frame_free_same_time) {
    rec->emit_same_time(trace::EventKind::FrameFree, tl_current.worker, tl_current.task, bytes);
  } else {
    rec->emit(trace::EventKind::FrameFree, tl_current.worker, tl_current.task, bytes);
  }
}

}  // namespace as::future::detail
