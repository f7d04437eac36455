#include "support/ctlprocess.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QProcess>
#include <QtDebug>

#include <utility>

namespace meridian::test {

QString describeRun(const CtlRun& run, int expected) {
    return QStringLiteral("exit %1, expected %2\nstdout: %3\nstderr: %4")
        .arg(run.exitCode)
        .arg(expected)
        .arg(run.out, run.err);
}

CtlProcess::CtlProcess(QString binary, QString workingDir)
    : m_binary(std::move(binary)),
      m_workingDir(std::move(workingDir)),
      m_environment(QProcessEnvironment::systemEnvironment()) {
    for (const char* name : {"MERIDIAN_ENDPOINT", "MERIDIAN_PROJECT", "MERIDIAN_DEPLOYMENT"})
        m_environment.remove(QString::fromLatin1(name));
    m_environment.insert(QStringLiteral("USER"), QStringLiteral("ctl-test"));
}

void CtlProcess::setEnvironmentVariable(const QString& name, const QString& value) {
    m_environment.insert(name, value);
}

CtlRun CtlProcess::run(const QStringList& args) const {
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.setWorkingDirectory(m_workingDir);
    process.start(m_binary, m_leading + args);
    CtlRun run;
    if (!process.waitForFinished(m_timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("meridianctl did not finish");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QJsonObject CtlProcess::json(const QStringList& args) const {
    const CtlRun done = run(args + QStringList{"--output", "json"});
    if (done.exitCode != 0)
        qWarning("meridianctl %s: %s", qPrintable(args.join(' ')), qPrintable(done.err));
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(done.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), qPrintable(done.out));
    return doc.object();
}

}  // namespace meridian::test
