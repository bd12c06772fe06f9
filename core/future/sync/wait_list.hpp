// core/future/sync/wait_list.hpp — an intrusive FIFO of waiting futures (tokio util/linked_list).
//
// Owns nothing: nodes live inside the waiting futures (pinned after their first poll), the list
// only links them. Every operation runs under the owning primitive's mutex.
// Invariant: a node is in at most one list; `queued` tells whether it is linked.
#pragma once

#include <cstdint>

#include "core/future/waker.hpp"

namespace as::future::sync {

// WaitNode is 40 bytes (the 32-bit `want` packs with the flags): it sits in every parked future,
// so the futures keep their own small state in it too (`want`, `done`) rather than beside it.
struct WaitNode {
  WaitNode* prev = nullptr;
  WaitNode* next = nullptr;
  Waker waker;
  uint32_t want = 0;  // primitive-specific (semaphore: permits wanted; Notify: its call count)
  bool queued = false;
  bool notified = false;  // set by the notifier when it picked this node (still to be observed)
  bool done = false;      // the owning future completed (it has nothing to hand back or pass on)
};

class WaitList {
 public:
  bool empty() const { return head_ == nullptr; }
  WaitNode* front() const { return head_; }
  void push_back(WaitNode* n) {
    n->prev = tail_;
    n->next = nullptr;
    if (tail_) {
      tail_->next = n;
    } else {
      head_ = n;
    }
    tail_ = n;
    n->queued = true;
  }
  void remove(WaitNode* n) {
    if (!n->queued) return;
    if (n->prev) {
      n->prev->next = n->next;
    } else {
      head_ = n->next;
    }
    if (n->next) {
      n->next->prev = n->prev;
    } else {
      tail_ = n->prev;
    }
    n->prev = n->next = nullptr;
    n->queued = false;
  }
  WaitNode* pop_front() {
    WaitNode* n = head_;
    if (n) remove(n);
    return n;
  }

 private:
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
};

}  // namespace as::future::sync
