// bench/measure.cpp — see measure.hpp.
#include "bench/measure.hpp"

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>

namespace as::bench {

namespace {
int64_t read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

int64_t process_cpu_ns() {
  return read_clock(CLOCK_PROCESS_CPUTIME_ID);
}

int64_t thread_cpu_ns() {
  return read_clock(CLOCK_THREAD_CPUTIME_ID);
}

long rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

bool wanted(const Options& o, const std::string& workload) {
  return o.workloads.empty() ||
         std::find(o.workloads.begin(), o.workloads.end(), workload) != o.workloads.end();
}

int run_workloads(const char* model, const Options& o,
                  const std::vector<std::pair<std::string, Workload>>& workloads) {
  std::vector<std::string> names = o.workloads;
  if (names.empty())
    for (const auto& w : workloads) names.push_back(w.first);
  std::vector<const Workload*> chosen;
  for (const auto& name : names) {
    auto it = std::find_if(workloads.begin(), workloads.end(),
                           [&](const auto& w) { return w.first == name; });
    if (it == workloads.end()) {
      std::string known;
      for (const auto& w : workloads) known += (known.empty() ? "" : ", ") + w.first;
      std::fprintf(stderr, "asyncscope: unknown %s workload '%s' (%s)\n", model, name.c_str(),
                   known.c_str());
      return 2;
    }
    chosen.push_back(&it->second);
  }
  for (int procs : o.procs) {
    if (procs < 1 || procs > 256) {
      std::fprintf(stderr, "asyncscope: procs must be in [1, 256], got %d\n", procs);
      return 2;
    }
  }
  for (size_t i = 0; i < names.size(); ++i) {
    for (int procs : o.procs) {
      std::map<std::string, std::vector<double>> samples;
      std::vector<std::string> order;
      for (int r = 0; r < std::max(1, o.repeat); ++r) {
        for (const Figure& f : (*chosen[i])(procs, o.trace)) {
          if (!samples.count(f.metric)) order.push_back(f.metric);
          samples[f.metric].push_back(f.value);
        }
      }
      for (const auto& metric : order) {
        std::printf("%s %s %d %s=%.1f\n", model, names[i].c_str(), procs, metric.c_str(),
                    median(samples[metric]));
        std::fflush(stdout);
      }
    }
  }
  return 0;
}

std::optional<double> in_fresh_process(const std::function<double()>& measure) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  std::fflush(nullptr);  // the child must not flush the parent's buffered output a second time
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    close(fds[0]);
    double value = 0;
    int status = 0;
    try {
      value = measure();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "asyncscope: bench: %s\n", e.what());
      status = 1;
    }
    if (status == 0 && write(fds[1], &value, sizeof value) != sizeof value) status = 1;
    std::fflush(nullptr);
    _exit(status);
  }
  close(fds[1]);
  double value = 0;
  const bool got = read(fds[0], &value, sizeof value) == sizeof value;
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return value;
}

}  // namespace as::bench
