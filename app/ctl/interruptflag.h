#pragma once
// Ctrl-C and SIGTERM as a flag that long-running commands poll (sync's watch, generate
// --follow, lag --watch), instead of the default of dying mid-way. The previous handlers come
// back when the flag goes out of scope.

#include <csignal>

namespace meridian::ctl {

class InterruptFlag {
public:
    InterruptFlag();
    ~InterruptFlag();
    InterruptFlag(const InterruptFlag&) = delete;
    InterruptFlag& operator=(const InterruptFlag&) = delete;

    // True once SIGINT or SIGTERM arrived.
    bool raised() const;
    // How many arrived: a second Ctrl-C may mean "stop waiting".
    int count() const;
    // Which one arrived last (SIGINT or SIGTERM), 0 if none.
    int lastSignal() const;

private:
    struct sigaction m_previousInt {};
    struct sigaction m_previousTerm {};
};

}  // namespace meridian::ctl
