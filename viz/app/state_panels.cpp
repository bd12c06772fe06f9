// viz/app/state_panels.cpp — the runtime's state at the playhead, reconstructed from the trace
// (TraceModel::state_at): workers with their run queues (runnext / LIFO slot / local queue),
// the global or inject queue, channels (buffer contents, waiting senders and receivers), timers,
// netpoller / reactor registrations, wakers held for pending futures, blocked tasks, memory.
#include <imgui.h>

#include "viz/app/event_text.hpp"
#include "viz/app/time_axis.hpp"
#include "viz/app/views.hpp"

namespace as::viz {
namespace {

// A task id as a small clickable button that selects the task.
void task_chip(AppState& state, TaskId t) {
  if (t == 0) {
    ImGui::TextDisabled("-");
    return;
  }
  const std::string label = state.main.model.task_label(t) + "##chip" + std::to_string(t);
  const bool sel = state.selection.task == t && !state.selection.in_compare;
  if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
  if (ImGui::SmallButton(label.c_str())) state.select_task(t);
  if (sel) ImGui::PopStyleColor();
}

void task_list(AppState& state, const std::vector<TaskId>& tasks, size_t max = 12) {
  if (tasks.empty()) {
    ImGui::TextDisabled("empty");
    return;
  }
  for (size_t i = 0; i < tasks.size() && i < max; ++i) {
    if (i) ImGui::SameLine();
    task_chip(state, tasks[i]);
  }
  if (tasks.size() > max) {
    ImGui::SameLine();
    ImGui::TextDisabled("+%zu more", tasks.size() - max);
  }
}

}  // namespace

void draw_state_panels(AppState& state) {
  if (state.main.empty()) {
    ImGui::TextDisabled("Run a scenario to see its run queues, channels and timers here.");
    return;
  }
  const TraceModel& model = state.main.model;
  const ModelState& s = state.state_at_playhead();
  const bool futures = model.meta().model == trace::ModelKind::Future;
  ImGui::Text("State after event %s at t=%s",
              s.event == kNoEvent ? "-" : std::to_string(s.event).c_str(),
              format_duration(static_cast<double>(s.time - model.begin_time())).c_str());
  if (s.event != kNoEvent) {
    ImGui::SameLine();
    ImGui::TextDisabled("  %s", event_text(model, model.event(s.event)).c_str());
  }

  const ImGuiTableFlags tflags =
      ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::CollapsingHeader("Run queues", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (ImGui::BeginTable("##queues", 4, tflags)) {
      ImGui::TableSetupColumn(futures ? "worker" : "P", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 6);
      ImGui::TableSetupColumn("running");
      ImGui::TableSetupColumn(futures ? "LIFO slot" : "runnext");
      ImGui::TableSetupColumn("local run queue (head first)");
      ImGui::TableHeadersRow();
      for (const WorkerAt& w : s.workers) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(model.worker_label(w.worker).c_str());
        if (w.stopped)
          ImGui::TextDisabled("stopped");
        else if (w.spinning)
          ImGui::TextDisabled("spinning");
        else if (w.idle)
          ImGui::TextDisabled("idle");
        ImGui::TableNextColumn();
        ImGui::PushID(static_cast<int>(w.worker));
        task_chip(state, w.running);
        ImGui::TableNextColumn();
        task_chip(state, futures ? w.lifo : w.runnext);
        ImGui::TableNextColumn();
        task_list(state, w.local);
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    ImGui::TextUnformatted(futures ? "inject queue:" : "global run queue:");
    ImGui::SameLine();
    ImGui::PushID("global");
    task_list(state, s.global_queue, 20);
    ImGui::PopID();
  }
  if (ImGui::CollapsingHeader("Channels", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (s.channels.empty())
      ImGui::TextDisabled("no channels");
    else if (ImGui::BeginTable("##chans", 5, tflags)) {
      ImGui::TableSetupColumn("channel");
      ImGui::TableSetupColumn("len/cap", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 4);
      ImGui::TableSetupColumn("buffer (oldest first: sender)");
      ImGui::TableSetupColumn("waiting senders");
      ImGui::TableSetupColumn("waiting receivers");
      ImGui::TableHeadersRow();
      for (const ChannelAt& c : s.channels) {
        ImGui::PushID(static_cast<int>(c.id));
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const std::string name = c.name ? model.str(c.name) : "chan " + std::to_string(c.id);
        ImGui::Text("%s%s", name.c_str(), c.closed ? " (closed)" : "");
        ImGui::TableNextColumn();
        ImGui::Text("%llu/%llu", static_cast<unsigned long long>(c.length),
                    static_cast<unsigned long long>(c.capacity));
        ImGui::TableNextColumn();
        if (c.buffer.empty()) ImGui::TextDisabled(c.capacity == 0 ? "unbuffered" : "empty");
        for (size_t i = 0; i < c.buffer.size() && i < 8; ++i) {
          if (i) ImGui::SameLine();
          ImGui::PushID(static_cast<int>(i));
          task_chip(state, c.buffer[i].sender);
          ImGui::PopID();
        }
        ImGui::TableNextColumn();
        ImGui::PushID("s");
        task_list(state, c.senders, 6);
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::PushID("r");
        task_list(state, c.receivers, 6);
        ImGui::PopID();
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader("Timers", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (s.timers.empty()) ImGui::TextDisabled("no armed timers");
    for (const TimerAt& t : s.timers) {
      ImGui::PushID(static_cast<int>(t.id));
      ImGui::Text("timer %llu fires at %s (in %s), owner", static_cast<unsigned long long>(t.id),
                  format_duration(static_cast<double>(t.deadline - model.begin_time())).c_str(),
                  format_duration(static_cast<double>(t.deadline - s.time)).c_str());
      ImGui::SameLine();
      task_chip(state, t.owner);
      ImGui::PopID();
    }
  }
  if (ImGui::CollapsingHeader(futures ? "Reactor (I/O registrations)" : "Netpoller (I/O)",
                              ImGuiTreeNodeFlags_DefaultOpen)) {
    if (s.io.empty()) ImGui::TextDisabled("no registered file descriptors");
    for (const IoAt& io : s.io) {
      ImGui::PushID(static_cast<int>(io.fd));
      ImGui::Text(
          "fd %llu interest %llu ready %llu  waiting:", static_cast<unsigned long long>(io.fd),
          static_cast<unsigned long long>(io.interest),
          static_cast<unsigned long long>(io.last_readiness));
      ImGui::SameLine();
      task_list(state, io.waiting, 6);
      ImGui::PopID();
    }
  }
  if (futures && ImGui::CollapsingHeader("Wakers", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (!s.lost_wakeups.empty()) {
      ImGui::PushStyleColor(
          ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(state.palette.marker(MarkerColour::Error)));
      ImGui::TextUnformatted(
          "LOST WAKEUP: pending with no live waker (nothing can ever wake them):");
      ImGui::PopStyleColor();
      ImGui::PushID("lost");
      task_list(state, s.lost_wakeups, 10);
      ImGui::PopID();
    }
    if (s.wakers.empty()) ImGui::TextDisabled("no wakers held");
    for (const WakerAt& w : s.wakers) {
      ImGui::PushID(static_cast<int>(w.task));
      task_chip(state, w.task);
      ImGui::SameLine();
      ImGui::Text("has %llu live waker%s since %s%s", static_cast<unsigned long long>(w.live),
                  w.live == 1 ? "" : "s",
                  format_duration(static_cast<double>(w.since - model.begin_time())).c_str(),
                  w.pending ? "  (pending: one of them must wake it)" : "");
      ImGui::PopID();
    }
  }
  if (ImGui::CollapsingHeader("Blocked tasks", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (s.blocked.empty()) ImGui::TextDisabled("none");
    for (const BlockedAt& b : s.blocked) {
      ImGui::PushID(static_cast<int>(b.task));
      task_chip(state, b.task);
      ImGui::SameLine();
      std::string what(task_state_name(b.state));
      if (b.reason != Reason::None)
        what += " on " + std::string(trace::reason_name(static_cast<uint64_t>(b.reason)));
      if (b.object_name)
        what += " " + model.str(b.object_name);
      else if (b.object)
        what += " #" + std::to_string(b.object);
      ImGui::Text("%s for %s", what.c_str(),
                  format_duration(static_cast<double>(s.time - b.since)).c_str());
      ImGui::PopID();
    }
  }
}

}  // namespace as::viz
