// viz/app/palette.cpp — see palette.hpp.
#include "viz/app/palette.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace as::viz {
namespace {

// Okabe & Ito (2008), "Color Universal Design".
constexpr uint32_t kOrange = pack_rgba(0xE6, 0x9F, 0x00);
constexpr uint32_t kSkyBlue = pack_rgba(0x56, 0xB4, 0xE9);
constexpr uint32_t kBluishGreen = pack_rgba(0x00, 0x9E, 0x73);
constexpr uint32_t kYellow = pack_rgba(0xF0, 0xE4, 0x42);
constexpr uint32_t kBlue = pack_rgba(0x00, 0x72, 0xB2);
constexpr uint32_t kVermillion = pack_rgba(0xD5, 0x5E, 0x00);
constexpr uint32_t kReddishPurple = pack_rgba(0xCC, 0x79, 0xA7);

// Paul Tol, "muted" qualitative scheme (9 colours) — per-task colours on worker lanes.
constexpr std::array<uint32_t, 9> kTolMuted = {
    pack_rgba(0xCC, 0x66, 0x77), pack_rgba(0x33, 0x22, 0x88), pack_rgba(0xDD, 0xCC, 0x77),
    pack_rgba(0x11, 0x77, 0x33), pack_rgba(0x88, 0xCC, 0xEE), pack_rgba(0x88, 0x22, 0x55),
    pack_rgba(0x44, 0xAA, 0x99), pack_rgba(0x99, 0x99, 0x33), pack_rgba(0xAA, 0x44, 0x99)};

double channel_to_linear(uint8_t v) {
  const double s = v / 255.0;
  return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

}  // namespace

Palette make_palette(ThemeKind theme) {
  Palette p;
  p.theme = theme;
  if (theme == ThemeKind::Dark) {
    p.background = pack_rgba(0x16, 0x18, 0x1c);
    p.lane_even = pack_rgba(0x1d, 0x20, 0x25);
    p.lane_odd = pack_rgba(0x22, 0x26, 0x2c);
    p.lane_label = pack_rgba(0x2a, 0x2e, 0x35);
    p.grid = pack_rgba(0x3a, 0x3f, 0x48);
    p.grid_major = pack_rgba(0x58, 0x5f, 0x6b);
    p.text = pack_rgba(0xe8, 0xea, 0xed);
    p.text_dim = pack_rgba(0x9a, 0xa0, 0xa8);
    p.playhead = pack_rgba(0xff, 0xff, 0xff);
    p.selection = pack_rgba(0xff, 0xff, 0xff);
    p.hover = pack_rgba(0xff, 0xff, 0xff, 0x50);
    p.wake_arrow = pack_rgba(0xF0, 0xE4, 0x42, 0xb0);
    p.wake_arrow_selected = pack_rgba(0xff, 0xff, 0xff);
    p.range_select = pack_rgba(0x56, 0xB4, 0xE9, 0x40);
    p.folded = pack_rgba(0x80, 0x86, 0x90);
  } else {
    p.background = pack_rgba(0xff, 0xff, 0xff);
    p.lane_even = pack_rgba(0xf4, 0xf5, 0xf7);
    p.lane_odd = pack_rgba(0xe8, 0xea, 0xee);
    p.lane_label = pack_rgba(0xdc, 0xdf, 0xe4);
    p.grid = pack_rgba(0xc0, 0xc4, 0xcc);
    p.grid_major = pack_rgba(0x70, 0x76, 0x80);
    p.text = pack_rgba(0x00, 0x00, 0x00);
    p.text_dim = pack_rgba(0x40, 0x44, 0x4a);
    p.playhead = pack_rgba(0x00, 0x00, 0x00);
    p.selection = pack_rgba(0x00, 0x00, 0x00);
    p.hover = pack_rgba(0x00, 0x00, 0x00, 0x40);
    p.wake_arrow = pack_rgba(0xD5, 0x5E, 0x00, 0xd0);
    p.wake_arrow_selected = pack_rgba(0x00, 0x00, 0x00);
    p.range_select = pack_rgba(0x00, 0x72, 0xB2, 0x40);
    p.folded = pack_rgba(0x60, 0x66, 0x70);
  }
  return p;
}

uint32_t Palette::state(StateColour s) const {
  const bool dark = theme == ThemeKind::Dark;
  switch (s) {
    case StateColour::Running:
      return kBluishGreen;
    case StateColour::Runnable:
      return kOrange;
    case StateColour::BlockedChan:
      return kSkyBlue;
    case StateColour::BlockedSelect:
      return kBlue;
    case StateColour::BlockedTimer:
      return dark ? pack_rgba(0x8c, 0x92, 0x9c) : pack_rgba(0x88, 0x8e, 0x98);
    case StateColour::BlockedIo:
      return kReddishPurple;
    case StateColour::BlockedSync:
      return kVermillion;
    case StateColour::BlockedSyscall:
      return kYellow;
    case StateColour::Pending:
      return kSkyBlue;
    case StateColour::Blocking:
      return kVermillion;
    case StateColour::Done:
      return dark ? pack_rgba(0x44, 0x48, 0x50) : pack_rgba(0xb0, 0xb4, 0xba);
    case StateColour::Unknown:
    case StateColour::kCount:
      break;
  }
  return dark ? pack_rgba(0x60, 0x60, 0x60) : pack_rgba(0xa0, 0xa0, 0xa0);
}

uint32_t Palette::marker(MarkerColour m) const {
  const bool dark = theme == ThemeKind::Dark;
  switch (m) {
    case MarkerColour::Spawn:
      return kBluishGreen;
    case MarkerColour::Steal:
      return kOrange;
    case MarkerColour::Preempt:
      return kYellow;
    case MarkerColour::Syscall:
      return kBlue;
    case MarkerColour::Error:
      return kVermillion;
    case MarkerColour::Wake:
      return kSkyBlue;
    case MarkerColour::Annotation:
    case MarkerColour::kCount:
      break;
  }
  return dark ? pack_rgba(0xff, 0xff, 0xff) : pack_rgba(0x00, 0x00, 0x00);
}

uint32_t Palette::task(uint32_t task_id) const {
  // Consecutive ids take consecutive palette entries, so neighbouring tasks always differ.
  return kTolMuted[task_id % kTolMuted.size()];
}

uint32_t Palette::text_on(uint32_t fill) {
  const uint32_t black = pack_rgba(0, 0, 0), white = pack_rgba(255, 255, 255);
  return contrast_ratio(fill, black) >= contrast_ratio(fill, white) ? black : white;
}

double relative_luminance(uint32_t c) {
  return 0.2126 * channel_to_linear(red_of(c)) + 0.7152 * channel_to_linear(green_of(c)) +
         0.0722 * channel_to_linear(blue_of(c));
}

double contrast_ratio(uint32_t a, uint32_t b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

float state_bar_height(StateColour s) {
  switch (s) {
    case StateColour::Running:
      return 1.0f;
    case StateColour::Runnable:
      return 0.6f;
    case StateColour::Blocking:
    case StateColour::BlockedSyscall:
      return 0.8f;
    case StateColour::Done:
      return 0.15f;
    default:
      return 0.4f;
  }
}

}  // namespace as::viz
