// core/future/task/coroutine.cpp — frame allocation tracing for Task<T> coroutines.
// The frame of a coroutine is the state machine the compiler wrote for it: its size is the
// future's "stack" (FrameAlloc/FrameFree on the lane of the task whose code created it).
#include "core/future/task/coroutine.hpp"

namespace as::future::detail {

void trace_frame_alloc(size_t bytes) {
  if (trace::Recorder* rec = tl_current.recorder)
    rec->emit(trace::EventKind::FrameAlloc, tl_current.worker, tl_current.task, bytes);
}

void trace_frame_free(size_t bytes) {
  trace::Recorder* const rec = tl_current.recorder;
  if (!rec) return;
  if (rec == tl_frame_free_same_time) {
    rec->emit_same_time(trace::EventKind::FrameFree, tl_current.worker, tl_current.task, bytes);
  } else {
    rec->emit(trace::EventKind::FrameFree, tl_current.worker, tl_current.task, bytes);
  }
}

}  // namespace as::future::detail
