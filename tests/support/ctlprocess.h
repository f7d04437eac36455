#pragma once
// meridianctl as the integration tests run it: each call starts the real binary, waits for it to
// end and keeps its exit code and both output streams; a JSON answer comes back parsed, and a
// failed check shows everything the run printed.

#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTest>

namespace meridian::test {

struct CtlRun {
    int exitCode = -1;  // -1: it crashed or did not finish in time
    QString out;
    QString err;
};

// The message of a failed check: "exit 2, expected 0" and both streams.
QString describeRun(const CtlRun& run, int expected);

class CtlProcess {
public:
    // `binary` is the meridianctl under test; every run starts in `workingDir`.
    CtlProcess(QString binary, QString workingDir);

    // This process's environment without the variables that would point meridianctl at other
    // regions (MERIDIAN_ENDPOINT, _PROJECT, _DEPLOYMENT), and with USER=ctl-test.
    QProcessEnvironment environment() const { return m_environment; }
    void setEnvironmentVariable(const QString& name, const QString& value);
    // Arguments put before every command's own (e.g. --endpoint HOST:PORT).
    void setLeadingArguments(const QStringList& args) { m_leading = args; }
    void setTimeout(int ms) { m_timeoutMs = ms; }

    CtlRun run(const QStringList& args) const;
    // `args` with --output json: the object printed, or an empty one (and a warning naming the
    // command) when the command fails or prints something else.
    QJsonObject json(const QStringList& args) const;

private:
    QString m_binary;
    QString m_workingDir;
    QProcessEnvironment m_environment;
    QStringList m_leading;
    int m_timeoutMs = 120000;
};

}  // namespace meridian::test

// Runs once, then checks the exit code and shows both streams when it is not the expected one.
#define CHECK_RUN(expression, code)                                          \
    do {                                                                     \
        const ::meridian::test::CtlRun checked_ = (expression);              \
        QVERIFY2(checked_.exitCode == (code),                                \
                 qPrintable(::meridian::test::describeRun(checked_, code))); \
    } while (false)
