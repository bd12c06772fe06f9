// viz/app/inspector_view.cpp — the selection in detail: the selected task's identity, state at
// the playhead, wake chain (who woke it, who woke that one, back to the root), spawn location,
// stack samples (goroutines) or frame size (futures), and its full history (click a row to move
// the playhead there); or the selected event / wakeup arrow.
#include <imgui.h>

#include <algorithm>

#include "viz/app/event_text.hpp"
#include "viz/app/time_axis.hpp"
#include "viz/app/views.hpp"

namespace as::viz {
namespace {

std::string rel(const TraceModel& m, Time t) {
  return format_duration(static_cast<double>(t - m.begin_time()));
}

void draw_wake_chain(AppState& state, const TraceModel& model, TaskId t) {
  const Time at = state.selection.in_compare ? model.end_time() : state.playhead_time();
  const auto chain = model.wake_chain(t, at, 6);
  if (chain.empty()) {
    ImGui::TextDisabled("not woken before the playhead (never blocked, or a root task)");
    return;
  }
  TaskId cur = t;
  for (size_t i = 0; i < chain.size(); ++i) {
    const WakeEdge& e = chain[i].edge;
    ImGui::PushID(static_cast<int>(i));
    std::string cause = e.from_task != 0 ? model.task_label(e.from_task)
                        : e.from_worker != trace::kNoWorker
                            ? model.worker_label(e.from_worker) + " (runtime)"
                            : std::string("the runtime");
    ImGui::Bullet();
    ImGui::TextWrapped("%s woke %s at %s (%s)", cause.c_str(), model.task_label(cur).c_str(),
                       rel(model, e.t_wake).c_str(),
                       std::string(trace::reason_name(static_cast<uint64_t>(e.reason))).c_str());
    if (!state.selection.in_compare && e.wake_event != kNoEvent) {
      ImGui::SameLine();
      if (ImGui::SmallButton("go")) state.scrub_to_event(e.wake_event);
    }
    ImGui::PopID();
    cur = e.from_task;
    if (cur == 0) break;
  }
}

void draw_memory(const TraceModel& model, TaskId t) {
  const bool futures = model.meta().model == trace::ModelKind::Future;
  const TaskInfo* info = model.task(t);
  if (futures) {
    const auto samples = model.frame_samples(t);
    ImGui::Text("future frame: %llu bytes at spawn",
                static_cast<unsigned long long>(info ? info->frame_bytes : 0));
    if (!samples.empty()) {
      std::vector<float> v;
      for (const auto& s : samples) v.push_back(static_cast<float>(s.bytes));
      ImGui::PlotLines("##frame", v.data(), static_cast<int>(v.size()), 0, "frame bytes", 0,
                       FLT_MAX, ImVec2(-1, ImGui::GetFontSize() * 3));
    }
    return;
  }
  const auto samples = model.stack_samples(t);
  if (samples.empty()) {
    ImGui::TextDisabled("no stack samples for this goroutine");
    return;
  }
  const StackSample& last = samples.back();
  ImGui::Text("stack: used %llu B, committed %llu B, reserved %llu B (%zu samples)",
              static_cast<unsigned long long>(last.used),
              static_cast<unsigned long long>(last.committed),
              static_cast<unsigned long long>(last.reserved), samples.size());
  std::vector<float> used;
  for (const auto& s : samples) used.push_back(static_cast<float>(s.used));
  ImGui::PlotLines("##stack", used.data(), static_cast<int>(used.size()), 0, "used bytes", 0,
                   FLT_MAX, ImVec2(-1, ImGui::GetFontSize() * 3));
}

}  // namespace

void draw_inspector(AppState& state) {
  Shown& shown = state.selection.in_compare ? state.compare : state.main;
  const TraceModel& model = shown.model;
  const Selection& sel = state.selection;
  if (sel.task == 0 && sel.event == kNoEvent) {
    ImGui::TextWrapped("Click a task lane, a span, a marker or a wakeup arrow to inspect it.");
    return;
  }
  if (sel.edge) {
    const WakeEdge& e = *sel.edge;
    ImGui::Text("Wakeup: %s -> %s", e.from_task ? model.task_label(e.from_task).c_str() : "runtime",
                model.task_label(e.to).c_str());
    ImGui::Text("reason %s, woken at %s, ran at %s",
                std::string(trace::reason_name(static_cast<uint64_t>(e.reason))).c_str(),
                rel(model, e.t_wake).c_str(),
                e.t_run == kTimeMax ? "(not yet)" : rel(model, e.t_run).c_str());
    if (e.t_run != kTimeMax)
      ImGui::Text("wake-to-run latency %s",
                  format_duration(static_cast<double>(e.t_run - e.t_wake)).c_str());
    ImGui::Separator();
  }
  if (sel.event != kNoEvent && sel.event < model.event_count()) {
    const trace::Event e = model.event(sel.event);
    ImGui::TextWrapped("Event %u: %s", sel.event, event_text(model, e).c_str());
    ImGui::Text("at %s on %s", rel(model, e.ts).c_str(),
                e.worker == trace::kNoWorker ? "-" : model.worker_label(e.worker).c_str());
    if (e.loc) ImGui::TextDisabled("%s", model.str(e.loc).c_str());
    if (!sel.in_compare && ImGui::SmallButton("move playhead here"))
      state.scrub_to_event(sel.event);
    ImGui::Separator();
  }
  const TaskInfo* info = sel.task ? model.task(sel.task) : nullptr;
  if (info == nullptr) {
    if (sel.task != 0) ImGui::TextDisabled("task #%u is not in this trace", sel.task);
    return;
  }
  ImGui::Text("%s", model.task_label(info->id).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("parent %s", task_or_none(model, info->parent).c_str());
  if (info->location) ImGui::TextDisabled("spawned at %s", model.str(info->location).c_str());
  ImGui::Text("created %s, %s", rel(model, info->created).c_str(),
              info->destroyed == kTimeMax
                  ? "alive"
                  : ("ended " + rel(model, info->destroyed) + " (" +
                     std::string(trace::reason_name(static_cast<uint64_t>(info->end_reason))) + ")")
                        .c_str());
  ImGui::Text("runs %u, polls %u, running for %s", info->runs, info->polls,
              format_duration(static_cast<double>(info->running_ns)).c_str());
  if (!sel.in_compare) {
    if (auto st = model.task_state_at(info->id, state.playhead_time())) {
      std::string what(task_state_name(st->state));
      if (st->reason != Reason::None)
        what += " (" + std::string(trace::reason_name(static_cast<uint64_t>(st->reason))) + ")";
      ImGui::Text("at the playhead: %s", what.c_str());
    }
  }
  if (ImGui::CollapsingHeader("Wake chain", ImGuiTreeNodeFlags_DefaultOpen))
    draw_wake_chain(state, model, info->id);
  if (ImGui::CollapsingHeader("Stack / frame", ImGuiTreeNodeFlags_DefaultOpen))
    draw_memory(model, info->id);
  if (ImGui::CollapsingHeader("History", ImGuiTreeNodeFlags_DefaultOpen)) {
    const auto events = model.task_events(info->id);
    ImGui::BeginChild("##history", ImVec2(0, std::max(ImGui::GetContentRegionAvail().y,
                                                      ImGui::GetFontSize() * 8)));
    // Keep the row at the playhead in view when the playhead moves (not while the user scrolls).
    static EventIndex followed = kNoEvent;
    if (!sel.in_compare && state.playhead() != followed) {
      followed = state.playhead();
      const auto it = std::upper_bound(events.begin(), events.end(), followed);
      const float row = static_cast<float>(it == events.begin() ? 0 : (it - events.begin()) - 1);
      const float line = ImGui::GetTextLineHeightWithSpacing();
      ImGui::SetScrollY(std::max(0.0f, row * line - ImGui::GetWindowHeight() * 0.4f));
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(events.size()));
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const EventIndex i = events[static_cast<size_t>(r)];
        const trace::Event e = model.event(i);
        const bool at_playhead = !sel.in_compare && i == state.playhead();
        const std::string row =
            rel(model, e.ts) + "  " + event_text(model, e) + "##h" + std::to_string(i);
        if (ImGui::Selectable(row.c_str(), at_playhead || i == sel.event)) {
          state.select_event(i, sel.in_compare);
          if (!sel.in_compare) state.scrub_to_event(i);
        }
      }
    }
    ImGui::EndChild();
  }
}

}  // namespace as::viz
