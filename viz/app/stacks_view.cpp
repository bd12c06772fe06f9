// viz/app/stacks_view.cpp — stacks and memory: per-goroutine stack used / committed / reserved,
// per-task future frame sizes, and totals per run side by side (the main run and the compare
// run), so "a goroutine costs a stack, a future costs its state machine" is visible in numbers.
#include <imgui.h>

#include <algorithm>

#include "viz/app/time_axis.hpp"
#include "viz/app/views.hpp"

namespace as::viz {
namespace {

std::string bytes(uint64_t b) {
  char buf[64];
  if (b >= 1u << 20)
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576.0);
  else if (b >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

void totals_column(const char* heading, const Shown& shown) {
  const ModelTotals t = shown.model.totals();
  const bool futures = shown.model.meta().model == trace::ModelKind::Future;
  ImGui::TextUnformatted(heading);
  ImGui::TextDisabled("%s", shown.title.c_str());
  ImGui::Text("tasks %zu, peak live %u", t.tasks, t.peak_live_tasks);
  if (futures)
    ImGui::Text("peak future frames %s", bytes(t.peak_frame_bytes).c_str());
  else
    ImGui::Text("peak stack committed %s", bytes(t.peak_stack_committed).c_str());
  if (t.peak_live_tasks > 0) {
    const uint64_t peak = futures ? t.peak_frame_bytes : t.peak_stack_committed;
    ImGui::Text("per task at peak: %s", bytes(peak / t.peak_live_tasks).c_str());
  }
  ImGui::Text("duration %s, %zu events",
              format_duration(static_cast<double>(t.end - t.begin)).c_str(), t.events);
}

}  // namespace

void draw_stacks_view(AppState& state) {
  if (state.main.empty()) {
    ImGui::TextDisabled("Run a scenario to see stack and frame memory here.");
    return;
  }
  const TraceModel& model = state.main.model;
  const bool futures = model.meta().model == trace::ModelKind::Future;
  const bool two = !state.compare.empty();
  if (ImGui::BeginTable("##totals", two ? 2 : 1, ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableNextColumn();
    totals_column("This run", state.main);
    if (two) {
      ImGui::TableNextColumn();
      totals_column("Compare run", state.compare);
    }
    ImGui::EndTable();
  }
  // Memory over time from the StackBytes counter (goroutines) when the runtime emits it.
  for (const CounterKey& key : model.counters()) {
    if (key.kind != trace::EventKind::StackBytes) continue;
    // Level-of-detail samples over the whole run (~2 per pixel), cheap even at millions.
    std::vector<CounterSample> samples;
    model.query_counter(key, ViewWindow::for_width(model.begin_time(), model.end_time(), 600, 1.0),
                        samples);
    std::vector<float> v;
    v.reserve(samples.size());
    for (const auto& s : samples) v.push_back(static_cast<float>(s.value));
    if (!v.empty())
      ImGui::PlotLines("##stackbytes", v.data(), static_cast<int>(v.size()), 0,
                       "stack bytes committed over time", 0, FLT_MAX,
                       ImVec2(-1, ImGui::GetFontSize() * 4));
  }
  ImGui::Separator();
  const ModelState& s = state.state_at_playhead();
  ImGui::Text(
      "At the playhead: %u live tasks, stacks used %s / committed %s / reserved %s, future frames "
      "%s",
      s.memory.live_tasks, bytes(s.memory.stack_used).c_str(),
      bytes(s.memory.stack_committed).c_str(), bytes(s.memory.stack_reserved).c_str(),
      bytes(s.memory.frame_bytes).c_str());
  const ImGuiTableFlags flags =
      ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY;
  if (ImGui::BeginTable("##pertask", futures ? 3 : 5, flags,
                        ImVec2(0, std::max(ImGui::GetContentRegionAvail().y, 120.0f)))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("task");
    if (futures) {
      ImGui::TableSetupColumn("frame at spawn");
      ImGui::TableSetupColumn("frame now");
    } else {
      ImGui::TableSetupColumn("used");
      ImGui::TableSetupColumn("committed");
      ImGui::TableSetupColumn("reserved");
      ImGui::TableSetupColumn("sampled at");
    }
    ImGui::TableHeadersRow();
    const Time now = state.playhead_time();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(model.tasks().size()));
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const TaskInfo& t = model.tasks()[static_cast<size_t>(r)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (ImGui::Selectable((model.task_label(t.id) + "##st").c_str(),
                              state.selection.task == t.id, ImGuiSelectableFlags_SpanAllColumns))
          state.select_task(t.id);
        if (futures) {
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(bytes(t.frame_bytes).c_str());
          ImGui::TableNextColumn();
          const uint64_t cur = model.frame_bytes_at(t.id, now);
          ImGui::TextUnformatted(bytes(cur).c_str());
        } else {
          const std::optional<StackSample> last = model.stack_at(t.id, now);
          for (uint64_t v :
               {last ? last->used : 0, last ? last->committed : 0, last ? last->reserved : 0}) {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(last ? bytes(v).c_str() : "-");
          }
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(
              last ? format_duration(static_cast<double>(last->t - model.begin_time())).c_str()
                   : "-");
        }
      }
    }
    ImGui::EndTable();
  }
}

}  // namespace as::viz
