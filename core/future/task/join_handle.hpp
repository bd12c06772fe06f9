// core/future/task/join_handle.hpp — JoinHandle<T>: the owner's end of a spawned task
// (tokio::task::JoinHandle).
//
// Owns: one reference to the task and the right to its output. It is itself a Future:
// `co_await handle` yields Result<T, JoinError> — the value, the task's panic, or cancellation.
//   abort()   requests cancellation: the task's future is dropped at its next scheduling (at its
//             current await point); the handle then reports JoinError::cancelled();
//   dropping  the handle detaches the task: it keeps running, its output is dropped when it ends.
// Invariant: the output is handed out at most once (polling again after Ready throws).
#pragma once

#include <stdexcept>
#include <utility>

#include "core/future/coop.hpp"
#include "core/future/result.hpp"
#include "core/future/task/raw_task.hpp"

namespace as::future {

template <class T>
class [[nodiscard]] JoinHandle {
 public:
  JoinHandle() = default;
  explicit JoinHandle(TaskCore<T>* t) : task_(t) {}
  JoinHandle(JoinHandle&& o) noexcept : task_(std::exchange(o.task_, nullptr)) {}
  JoinHandle& operator=(JoinHandle&& o) noexcept {
    if (this != &o) {
      detach();
      task_ = std::exchange(o.task_, nullptr);
    }
    return *this;
  }
  JoinHandle(const JoinHandle&) = delete;
  JoinHandle& operator=(const JoinHandle&) = delete;
  ~JoinHandle() { detach(); }

  trace::TaskId id() const { return task_ ? task_->id : 0; }
  // raw is the task itself (the runtime uses it to recognise the root task).
  RawTask* raw() const { return task_; }
  bool valid() const { return task_ != nullptr; }

  // abort requests cancellation of the task (no effect once it completed).
  void abort() {
    if (task_) task_->abort();
  }
  // is_finished is true once the task's future is gone (completed, panicked or cancelled).
  bool is_finished() const {
    return task_ && (task_->state.load(std::memory_order_acquire) & RawTask::kComplete);
  }

  Poll<Result<T, JoinError>> poll(Context& cx) {
    if (!task_) throw std::logic_error("JoinHandle polled after it delivered its output");
    if (!coop::poll_proceed(cx)) return pending;
    // Once COMPLETE is visible the outcome is published (written before the worker set COMPLETE)
    // and, while JOIN_INTEREST is set, only this handle touches it. Otherwise store our waker and
    // publish it with JOIN_WAKER (raw_task.hpp); if the task completed meanwhile, take it back.
    const uint64_t s = task_->state.load(std::memory_order_acquire);
    if (!(s & RawTask::kComplete)) {
      // Polled again with a waker stored: take the slot back first (fails once COMPLETE).
      if (!(s & RawTask::kJoinWaker) || task_->unset_join_waker()) {
        task_->join_waker.clone_if_changed(cx.waker());
        if (task_->set_join_waker()) {
          note_block(trace::Reason::Join, task_->id);
          return pending;
        }
        task_->join_waker.take().reset();  // COMPLETE before we published it: not needed
      }
    }
    std::optional<Result<T, JoinError>> r;
    if (task_->output) {
      r.emplace(std::move(*task_->output));
    } else if (task_->panicked) {
      r.emplace(Err{JoinError::panic(task_->panic())});
    } else {
      r.emplace(Err{JoinError::cancelled()});
    }
    task_->output.reset();
    task_->drop_panic();
    // COMPLETE: nothing reads JOIN_INTEREST any more; clear it and drop our reference in one RMW.
    std::exchange(task_, nullptr)->release_and_clear(RawTask::kJoinInterest);
    return std::move(*r);
  }

  // detach drops the handle without waiting (also what the destructor does).
  void detach() {
    if (!task_) return;
    TaskCore<T>* t = std::exchange(task_, nullptr);
    // Clear JOIN_INTEREST; before COMPLETE also JOIN_WAKER (the stored waker is ours to drop).
    // After COMPLETE the worker saw JOIN_INTEREST, so the output is ours to drop (and a stored
    // waker the worker's). One RMW decides which side of the completion we are on.
    uint64_t cur = t->state.load(std::memory_order_acquire);
    uint64_t next;
    do {
      next = cur & ~RawTask::kJoinInterest;
      if (!(cur & RawTask::kComplete)) next &= ~RawTask::kJoinWaker;
    } while (!t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                             std::memory_order_acquire));
    Waker w;
    if (cur & RawTask::kComplete) {
      t->output.reset();
      t->drop_panic();
    } else if (cur & RawTask::kJoinWaker) {
      w = t->join_waker.take();
    }
    w.reset();
    t->release();
  }

 private:
  TaskCore<T>* task_ = nullptr;
};

}  // namespace as::future
