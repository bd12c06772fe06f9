// core/goroutine/go.hpp — everything a goroutine program uses: include this one header.
#pragma once

#include "core/goroutine/chan.hpp"
#include "core/goroutine/net.hpp"
#include "core/goroutine/panic.hpp"
#include "core/goroutine/runtime.hpp"
#include "core/goroutine/select.hpp"
#include "core/goroutine/sync.hpp"
#include "core/goroutine/time.hpp"
