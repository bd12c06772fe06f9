// viz/app/palette.hpp — every colour the views draw with, for both themes.
//
// Owns: the mapping from things (a task id, a task state, a block reason, a marker kind) to
// colours. Why these colours: task-state colours come from the Okabe–Ito palette and per-task
// colours from Paul Tol's "muted" qualitative palette — both chosen to stay distinguishable with
// the common forms of colour blindness. State is never encoded by colour alone: lanes also differ
// in bar height (running is full height, waiting states are thinner) and tooltips name the state.
// The dark theme draws on near-black, the light theme is high-contrast for projectors.
//
// Colours are packed like ImGui's ImU32 (0xAABBGGRR) so views can pass them straight to ImDrawList,
// but this file does not include ImGui: the mapping is unit-tested without a window.
#pragma once

#include <cstdint>

namespace as::viz {

enum class ThemeKind : uint8_t { Dark, Light };

// pack_rgba packs 8-bit channels the way IM_COL32 does.
constexpr uint32_t pack_rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(g) << 8) | uint32_t(r);
}
constexpr uint8_t red_of(uint32_t c) {
  return c & 0xff;
}
constexpr uint8_t green_of(uint32_t c) {
  return (c >> 8) & 0xff;
}
constexpr uint8_t blue_of(uint32_t c) {
  return (c >> 16) & 0xff;
}
constexpr uint8_t alpha_of(uint32_t c) {
  return c >> 24;
}
constexpr uint32_t with_alpha(uint32_t c, uint8_t a) {
  return (c & 0x00ffffffu) | (uint32_t(a) << 24);
}

// What a task lane can show; the viz model's states map onto these.
enum class StateColour : uint8_t {
  Running,   // on a worker (goroutine running / future being polled)
  Runnable,  // queued, waiting for a worker
  BlockedChan,
  BlockedSelect,
  BlockedTimer,
  BlockedIo,
  BlockedSync,  // mutex, waitgroup, cond, join
  BlockedSyscall,
  Pending,   // future returned Pending, waiting for a wake
  Blocking,  // spawn_blocking / long blocking call holding a worker
  Done,
  Unknown,
  kCount
};

// Event markers drawn on lanes.
enum class MarkerColour : uint8_t {
  Spawn,
  Steal,
  Preempt,
  Syscall,
  Error,
  Wake,
  Annotation,
  kCount
};

struct Palette {
  ThemeKind theme = ThemeKind::Dark;
  uint32_t background, lane_even, lane_odd, lane_label, grid, grid_major, text, text_dim;
  uint32_t playhead, selection, hover, wake_arrow, wake_arrow_selected, range_select, folded;

  uint32_t state(StateColour s) const;
  uint32_t marker(MarkerColour m) const;
  // task returns the colour of a task on worker lanes: stable for a task id, neighbours differ.
  uint32_t task(uint32_t task_id) const;
  // text_on returns black or white, whichever reads better on `fill`.
  static uint32_t text_on(uint32_t fill);
};

Palette make_palette(ThemeKind theme);

// relative_luminance (WCAG 2) of a packed colour, 0..1; contrast_ratio between two colours, 1..21.
double relative_luminance(uint32_t c);
double contrast_ratio(uint32_t a, uint32_t b);

// state_bar_height is the fraction of a lane's height a state's bar fills (shape, not only colour).
float state_bar_height(StateColour s);

}  // namespace as::viz
