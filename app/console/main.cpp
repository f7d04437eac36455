// meridian: the desktop console. Parses options and wires objects; see ui/ for everything else.

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

#include "demo/localdemo.h"
#include "window/demolauncher.h"
#include "window/mainwindow.h"
#include "window/screenshotrunner.h"

namespace {

constexpr int kScreenshotTimeoutMs = 180'000;

bool hasDisplay() {
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") ||
           !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// Without a display, --demo leaves the demo running for meridianctl to watch.
int headlessDemo(const meridian::demo::DemoOptions& options) {
    meridian::demo::LocalDemo demo(options);
    auto state = demo.up();
    if (!state.ok()) {
        std::fprintf(stderr, "meridian: the local demo did not start: %s\n",
                     std::string(state.status().message()).c_str());
        return 1;
    }
    const std::string endpoint =
        state->regions.empty() ? "127.0.0.1:7401" : state->regions[0].endpoint;
    std::printf(
        "meridian: no display (DISPLAY and WAYLAND_DISPLAY are unset), so the local demo keeps "
        "running headless: watch it with `meridianctl demo status`, `meridianctl lag --watch 2` "
        "and `meridianctl status --endpoint %s`; stop it with `meridianctl demo down`.\n",
        endpoint.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Meridian console: regions, registry, lineage, replication, costs and alerts of a "
        "multi-region feature store.");
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    const QCommandLineOption version("version", "Show the version.");
    const QCommandLineOption demo(
        "demo",
        "Connect to the local demo if it runs (from any data directory it was started with), "
        "else start it (as `meridianctl demo up`); a demo started here is stopped on exit.");
    const QCommandLineOption dataDir(
        "data-dir", "With --demo: the demo's data directory (as `meridianctl demo up --data-dir`).",
        "DIR");
    const QCommandLineOption keepDemo("keep-demo", "With --demo: leave the demo running on exit.");
    const QCommandLineOption tls("tls",
                                 "With --demo: run it over TLS with tokens (as `meridianctl demo "
                                 "up --tls`); the console uses the demo's admin token.");
    const QCommandLineOption screenshot(
        "screenshot", "Render every page to DIR/<page>.png once data has arrived, then exit.",
        "DIR");
    parser.addOptions({help, version, demo, dataDir, keepDemo, tls, screenshot});
    parser.addPositionalArgument("deployment", "Deployment file to open (e.g. deployment.yaml).",
                                 "[deployment]");
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "meridian: %s (see meridian --help)\n",
                     qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText().replace("<executable_name>", "meridian")), stdout);
        return 0;
    }
    if (parser.isSet(version)) {
        std::printf("meridian %s\n", MERIDIAN_VERSION);
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 || (parser.isSet(demo) && !positional.isEmpty())) {
        std::fprintf(stderr, "meridian: give one deployment file or --demo, not both\n");
        return 2;
    }
    if (parser.isSet(tls) && !parser.isSet(demo)) {
        std::fprintf(stderr,
                     "meridian: --tls goes with --demo (a deployment file names its own "
                     "certificates)\n");
        return 2;
    }
    const QString screenshotDir = parser.value(screenshot);
    if (parser.isSet(dataDir) && !parser.isSet(demo)) {
        std::fprintf(stderr, "meridian: --data-dir goes with --demo\n");
        return 2;
    }
    meridian::demo::DemoOptions demoOptions;
    demoOptions.tls = parser.isSet(tls);
    if (parser.isSet(dataDir)) {
        demoOptions.dataDir = parser.value(dataDir).toStdString();
    } else if (parser.isSet(demo)) {
        // A demo already running, wherever it was started from, is the one to connect to.
        if (auto running = meridian::demo::runningDemoDataDir(demoOptions); !running.empty())
            demoOptions.dataDir = running;
    }

    if (!hasDisplay()) {
        if (!screenshotDir.isEmpty()) {
            qputenv("QT_QPA_PLATFORM", "offscreen");  // screenshots need no screen
        } else if (parser.isSet(demo)) {
            return headlessDemo(demoOptions);
        } else {
            std::fprintf(stderr,
                         "meridian: no display (DISPLAY and WAYLAND_DISPLAY are unset); use "
                         "meridianctl, or meridian --screenshot DIR to render the pages\n");
            return 1;
        }
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName("Meridian");
    QApplication::setApplicationName("meridian");
    QApplication::setApplicationDisplayName("Meridian");
    QApplication::setApplicationVersion(MERIDIAN_VERSION);
    QApplication::setDesktopFileName("meridian");

    meridian::ui::MainWindow window;
    window.show();

    meridian::ui::DemoLauncher launcher(demoOptions);
    std::unique_ptr<meridian::ui::ScreenshotRunner> runner;
    if (!screenshotDir.isEmpty()) {
        runner = std::make_unique<meridian::ui::ScreenshotRunner>(&window, screenshotDir,
                                                                  kScreenshotTimeoutMs);
        QObject::connect(runner.get(), &meridian::ui::ScreenshotRunner::finished,
                         [](int code, const QString& message) {
                             std::fprintf(code == 0 ? stdout : stderr, "meridian: %s\n",
                                          qPrintable(message));
                             QCoreApplication::exit(code);
                         });
        runner->start();
    }
    if (parser.isSet(demo)) {
        QObject::connect(&launcher, &meridian::ui::DemoLauncher::progress, &window,
                         [&window](const QString& step) { window.showStartupMessage(step); });
        QObject::connect(
            &launcher, &meridian::ui::DemoLauncher::ready, &window,
            [&window, &demoOptions](const QString& path) {
                // Whoever runs the demo is its admin: its token sits beside the
                // deployment the demo wrote (unless the environment names one).
                const QString admin = QFileInfo(path).dir().filePath(QStringLiteral("admin.token"));
                if (demoOptions.tls && qEnvironmentVariableIsEmpty("MERIDIAN_TOKEN") &&
                    qEnvironmentVariableIsEmpty("MERIDIAN_TOKEN_FILE") && QFileInfo::exists(admin))
                    qputenv("MERIDIAN_TOKEN_FILE", admin.toLocal8Bit());
                window.openDeployment(path);
            });
        QObject::connect(&launcher, &meridian::ui::DemoLauncher::failed, &window,
                         [&window, &runner](const QString& why) {
                             std::fprintf(stderr, "meridian: the local demo did not start: %s\n",
                                          qPrintable(why));
                             window.showStartupMessage(
                                 QObject::tr("The local demo did not start: %1").arg(why), true);
                             if (runner)
                                 QCoreApplication::exit(1);
                         });
        window.showStartupMessage(QObject::tr("Starting the local demo…"));
        launcher.start();
    } else if (!positional.isEmpty()) {
        QString error;
        if (!window.openDeployment(QDir::current().absoluteFilePath(positional.first()), &error)) {
            std::fprintf(stderr, "meridian: %s\n", qPrintable(error));
            window.showStartupMessage(error, true);
            if (runner)
                return 1;
        }
    }

    const int code = app.exec();
    window.closeDeployment();
    if (parser.isSet(demo) && !parser.isSet(keepDemo) && launcher.startedHere()) {
        std::fprintf(stderr, "meridian: stopping the local demo (--keep-demo leaves it running)\n");
        QString error;
        if (!launcher.stop(&error))
            std::fprintf(stderr, "meridian: stopping the demo: %s\n", qPrintable(error));
    }
    return code;
}
