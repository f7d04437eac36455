#pragma once
// Starts the local demo for `meridian --demo` with demo::LocalDemo (the same code as
// `meridianctl demo up`) on a worker thread, so the window stays responsive while regions come
// up; reports each step, and stops the demo again on request unless it was running before.

#include <QObject>
#include <QString>

#include <atomic>
#include <thread>

#include "demo/localdemo.h"

namespace meridian::ui {

class DemoLauncher : public QObject {
    Q_OBJECT

public:
    explicit DemoLauncher(demo::DemoOptions options = {}, QObject* parent = nullptr);
    // Waits for a start still in progress.
    ~DemoLauncher() override;

    void start();
    // Blocks until every demo process is gone; does nothing when the demo was already running
    // before start() (someone else's demo is not ours to stop).
    bool stop(QString* error = nullptr);
    bool startedHere() const { return m_startedHere; }

signals:
    void progress(const QString& step);
    void ready(const QString& deploymentPath);
    void failed(const QString& message);

private:
    demo::DemoOptions m_options;
    std::thread m_worker;
    std::atomic<bool> m_startedHere{false};
};

}  // namespace meridian::ui
