// core/future/future_all.hpp — one include for programs on the future runtime (scenarios, tests,
// benchmarks): Runtime, Task<T>, spawn, JoinHandle, combinators, time, channels, sync, I/O.
#pragma once

#include "core/future/combinators.hpp"
#include "core/future/io/async_fd.hpp"
#include "core/future/result.hpp"
#include "core/future/runtime.hpp"
#include "core/future/sync/mpsc.hpp"
#include "core/future/sync/notify.hpp"
#include "core/future/sync/oneshot.hpp"
#include "core/future/task/coroutine.hpp"
#include "core/future/time/sleep.hpp"
