#include "interruptflag.h"

#include <atomic>

namespace meridian::ctl {
namespace {

std::atomic<int> g_count{0};
std::atomic<int> g_last{0};

void onSignal(int sig) {
    g_last.store(sig);
    g_count.fetch_add(1);
}

}  // namespace

InterruptFlag::InterruptFlag() {
    g_count = 0;
    g_last = 0;
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &m_previousInt);
    sigaction(SIGTERM, &action, &m_previousTerm);
}

InterruptFlag::~InterruptFlag() {
    sigaction(SIGINT, &m_previousInt, nullptr);
    sigaction(SIGTERM, &m_previousTerm, nullptr);
}

bool InterruptFlag::raised() const {
    return g_count.load() > 0;
}

int InterruptFlag::count() const {
    return g_count.load();
}

int InterruptFlag::lastSignal() const {
    return g_last.load();
}

}  // namespace meridian::ctl
