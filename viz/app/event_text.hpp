// viz/app/event_text.hpp — human-readable text for one trace event, as tooltips, the inspector's
// history and the state panels show it: "task.block  reason=chan recv  object=3 (jobs)".
//
// Owns: argument formatting by the event table's ArgType (task ids become task labels, string ids
// become their text, reasons their names, nanoseconds a duration with a unit). Pure: unit-tested.
#pragma once

#include <string>

#include "viz/model/trace_model.hpp"

namespace as::viz {

// event_args_text: "reason=chan recv object=3 object_name=jobs" (empty for argument-less events).
std::string event_args_text(const TraceModel& model, const trace::Event& e);
// event_text: "<kind name>  <args>".
std::string event_text(const TraceModel& model, const trace::Event& e);
// task_or_none: the task's label, or "-" for 0.
std::string task_or_none(const TraceModel& model, TaskId t);

}  // namespace as::viz
