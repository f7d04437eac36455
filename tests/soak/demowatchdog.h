#pragma once
// A detached process that waits for the test process to end and then stops whatever of a local
// demo still runs and removes the test's temporary directory: the clean-up of last resort when
// the test dies without running its own (a CTest timeout kills it with SIGKILL, and the stores of
// a demo write gigabytes a minute when nothing stops them). Dismissed after a clean end.

#include <QString>

namespace meridian::test {

class DemoWatchdog {
public:
    // `scratchDir` is removed only if its name holds "tst_soak-", a QTemporaryDir of this test.
    DemoWatchdog(const QString& ctlBinary, const QString& demoDataDir, const QString& scratchDir);
    ~DemoWatchdog();

    bool running() const { return m_pid > 0; }
    // Stops the watchdog (its trap stops its tail too); answers true once the process is gone.
    bool dismiss();

private:
    qint64 m_pid = 0;
};

}  // namespace meridian::test
