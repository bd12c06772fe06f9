// viz/app/state_colours.hpp — how the model's task states and markers map onto palette colours.
//
// Owns: the state → colour and marker → colour decisions (and the legend's wording), kept apart
// from drawing so they are unit-tested: every blocked reason gets a colour of its family, futures'
// Pending differs from goroutines' Blocked only by name, never silently by accident.
#pragma once

#include <string>
#include <vector>

#include "viz/app/palette.hpp"
#include "viz/model/lanes.hpp"
#include "viz/model/types.hpp"

namespace as::viz {

StateColour state_colour(TaskState state, Reason reason);
MarkerColour marker_colour(MarkerKind kind);
// state_label: "blocked (chan recv)", "running", "pending (waker)" — for tooltips and the legend.
std::string state_label(TaskState state, Reason reason);

struct LegendEntry {
  StateColour colour;
  const char* label;
};
// legend lists the colours a model's task lanes use (goroutines or futures).
const std::vector<LegendEntry>& legend(bool futures);

}  // namespace as::viz
