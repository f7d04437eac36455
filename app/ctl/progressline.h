#pragma once
// A progress report on stderr: one line rewritten in place on a terminal, otherwise a line at
// most every second, so logs stay short.

#include <chrono>
#include <string>

namespace meridian::ctl {

class ProgressLine {
public:
    ProgressLine();
    ~ProgressLine();

    // `last` marks the final report, which is always shown.
    void update(const std::string& text, bool last = false);
    // Ends the line on a terminal (before other output).
    void finish();

private:
    bool m_terminal = false;
    bool m_open = false;
    std::chrono::steady_clock::time_point m_lastShown;
};

}  // namespace meridian::ctl
