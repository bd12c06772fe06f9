// viz/model/lod.hpp — level-of-detail folding of a sorted, non-overlapping span list (as Tracy
// folds zones narrower than a few pixels), shared by worker lanes and task lanes.
//
// Contract of a SpanList (duck-typed): size(); t0(k), t1(k) (non-decreasing in k, t0(k) <= t1(k),
// t1(k) <= t0(k+1)); key(k) (what "dominant" means: the task of a run span, the state of a state
// span). fold_spans emits, in order, either single spans at least min_duration wide or folded
// blocks [first, first + count) of narrower spans that all start within min_duration of the
// block's first span (a block is about min_px wide: zoomed out, a busy lane becomes a row of
// ~width/min_px blocks, each coloured by its own dominant task, instead of one grey bar).
//
// Cost: a binary search to the window, then per emitted item one binary search to skip everything
// that starts within min_duration of the block's start — so the work is bounded by the number of
// pixels (width / min_px items), not by the number of spans. Dominant keys are exact for blocks of
// up to kExactFold spans and estimated from kExactFold evenly spaced spans beyond that.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "viz/model/types.hpp"

namespace as::viz {

inline constexpr uint32_t kExactFold = 16;

struct FoldedItem {
  Time t0 = 0;
  Time t1 = 0;
  uint32_t first = 0;
  uint32_t count = 0;
  uint32_t dominant = 0;  // index of the span whose key is dominant (a representative span)
};

// first_index_at_or_after returns the first k in [lo, n) with f(k) >= t (n if none).
template <class F>
uint32_t first_index_at_or_after(uint32_t lo, uint32_t n, Time t, F&& f) {
  uint32_t hi = n;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (f(mid) < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// gallop_at_or_after is first_index_at_or_after for answers expected near lo: it probes lo+1,
// lo+3, lo+7... then binary-searches the last step. Successive folds land a few dozen spans apart,
// so this stays in cache where a plain binary search over the whole lane would not.
template <class F>
uint32_t gallop_at_or_after(uint32_t lo, uint32_t n, Time t, F&& f) {
  uint32_t step = 1;
  uint32_t hi = lo;
  while (hi < n && f(hi) < t) {
    lo = hi + 1;
    hi = lo + step > n ? n : lo + step;
    step *= 2;
  }
  return first_index_at_or_after(lo, hi, t, f);
}

template <class SpanList>
uint32_t dominant_span(const SpanList& s, uint32_t first, uint32_t count) {
  // Up to kExactFold distinct keys with their summed durations; the sample is exact for small
  // blocks and evenly strided for large ones.
  std::array<uint64_t, kExactFold> keys{};
  std::array<Time, kExactFold> total{};
  std::array<uint32_t, kExactFold> rep{};
  uint32_t distinct = 0;
  const uint32_t samples = std::min(count, kExactFold);
  for (uint32_t j = 0; j < samples; ++j) {
    const uint32_t k = first + static_cast<uint32_t>(static_cast<uint64_t>(j) * count / samples);
    const uint64_t key = s.key(k);
    const Time d = add_sat(sub_sat(s.t1(k), s.t0(k)), 1);  // +1: zero-width spans count
    uint32_t slot = 0;
    while (slot < distinct && keys[slot] != key) ++slot;
    if (slot == distinct) {
      keys[slot] = key;
      total[slot] = 0;
      rep[slot] = k;
      ++distinct;
    }
    total[slot] = add_sat(total[slot], d);
  }
  uint32_t best = 0;
  for (uint32_t slot = 1; slot < distinct; ++slot)
    if (total[slot] > total[best]) best = slot;
  return rep[best];
}

// fold_spans calls emit(FoldedItem) for every item intersecting [view.t0, view.t1].
template <class SpanList, class Emit>
void fold_spans(const SpanList& s, const ViewWindow& view, Emit&& emit) {
  const uint32_t n = s.size();
  if (n == 0 || view.t1 < view.t0) return;
  const Time min_d = view.min_duration();
  auto t0f = [&](uint32_t k) { return s.t0(k); };
  auto t1f = [&](uint32_t k) { return s.t1(k); };
  // Visible: t1(k) >= view.t0 and t0(k) <= view.t1.
  uint32_t k = first_index_at_or_after(0, n, view.t0, t1f);
  const uint32_t end = first_index_at_or_after(k, n, view.end_exclusive(), t0f);
  while (k < end) {
    const Time a = s.t0(k);
    const Time b = s.t1(k);
    if (sub_sat(b, a) >= min_d) {
      emit(FoldedItem{a, b, k, 1, k});
      ++k;
      continue;
    }
    // Fold: absorb the narrow spans starting within min_d of this one, so each folded block is
    // about min_px wide and keeps its own dominant task (one block per ~min_px pixels).
    const uint32_t first = k;
    Time block_end = b;
    ++k;
    uint32_t k2 = gallop_at_or_after(k, end, add_sat(a, min_d), t0f);
    // Only the last span of the window can be wide (spans do not overlap): keep it apart.
    if (k2 > k && sub_sat(s.t1(k2 - 1), s.t0(k2 - 1)) >= min_d) --k2;
    if (k2 > k) block_end = std::max(block_end, s.t1(k2 - 1));
    k = std::max(k, k2);
    const uint32_t count = k - first;
    emit(FoldedItem{a, block_end, first, count,
                    count == 1 ? first : dominant_span(s, first, count)});
  }
}

}  // namespace as::viz
