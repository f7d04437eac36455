#include "window/demolauncher.h"

#include <QMetaObject>

namespace meridian::ui {

DemoLauncher::DemoLauncher(demo::DemoOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)) {}

DemoLauncher::~DemoLauncher() {
    if (m_worker.joinable())
        m_worker.join();
}

void DemoLauncher::start() {
    if (m_worker.joinable())
        return;
    m_worker = std::thread([this] {
        demo::LocalDemo demo(m_options);
        const bool wasRunning = demo.running();
        auto post = [this](auto f) { QMetaObject::invokeMethod(this, f, Qt::QueuedConnection); };
        auto state = demo.up([this, post](const std::string& step) {
            const QString text = QString::fromStdString(step);
            post([this, text] { emit progress(text); });
        });
        if (!state.ok()) {
            const QString why = QString::fromStdString(std::string(state.status().message()));
            post([this, why] { emit failed(why); });
            return;
        }
        m_startedHere = !wasRunning;
        const QString path = QString::fromStdString(state->deploymentPath);
        post([this, path] { emit ready(path); });
    });
}

bool DemoLauncher::stop(QString* error) {
    if (m_worker.joinable())
        m_worker.join();
    if (!m_startedHere)
        return true;
    demo::LocalDemo demo(m_options);
    const auto status = demo.down();
    m_startedHere = false;
    if (!status.ok() && error)
        *error = QString::fromStdString(std::string(status.message()));
    return status.ok();
}

}  // namespace meridian::ui
