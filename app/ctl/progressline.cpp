#include "progressline.h"

#include <cstdio>

#include <unistd.h>

namespace meridian::ctl {

ProgressLine::ProgressLine() : m_terminal(isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() {
    finish();
}

void ProgressLine::update(const std::string& text, bool last) {
    const auto now = std::chrono::steady_clock::now();
    if (m_terminal) {
        // Carriage return, the text, then erase what a longer previous line left behind.
        std::fprintf(stderr, "\r%s\033[K", text.c_str());
        m_open = true;
        if (last)
            finish();
    } else if (last || now - m_lastShown >= std::chrono::seconds(1)) {
        std::fprintf(stderr, "%s\n", text.c_str());
        m_lastShown = now;
    }
    std::fflush(stderr);
}

void ProgressLine::finish() {
    if (m_open) {
        std::fputc('\n', stderr);
        std::fflush(stderr);
        m_open = false;
    }
}

}  // namespace meridian::ctl
