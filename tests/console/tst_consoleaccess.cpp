// The console's credentials: regions that require a token make the console ask for one (with
// their reason, and a token's form checked before it is sent); once they accept it the status
// bar says who the console is, and a viewer finds Sync disabled with the reason in its
// tooltip. A refused token is asked again; regions that ask for nothing pass straight
// through. Without a keychain service, the dialog says the token cannot be kept.

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>

#include "replication/replicationpage.h"
#include "support/fakeregionservice.h"
#include "window/accesscontroller.h"
#include "window/mainwindow.h"
#include "window/tokendialog.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

namespace {

const QString kToken = QStringLiteral("mrd_0123456789ab_") + QString(43, QLatin1Char('x'));

QPushButton* syncButton(MainWindow& w) {
    for (Page* p : w.pages())
        if (auto* r = qobject_cast<ReplicationPage*>(p))
            for (auto* b : r->findChildren<QPushButton*>())
                if (b->text().contains(QStringLiteral("Sync now")))
                    return b;
    return nullptr;
}

}  // namespace

class ConsoleAccessTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void asksForATokenAndShowsWhoYouAre();
    void refusedTokenIsAskedAgain();
    void noCredentialsPassStraightThrough();
    void tokenFormIsChecked();
};

void ConsoleAccessTest::initTestCase() {
    qunsetenv("MERIDIAN_TOKEN");
    qunsetenv("MERIDIAN_TOKEN_FILE");
    QCoreApplication::setOrganizationName(QStringLiteral("meridian-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_consoleaccess"));
}

void ConsoleAccessTest::asksForATokenAndShowsWhoYouAre() {
    MainWindow w;
    auto* service = FakeRegionService::demo();
    service->requiredToken = kToken;
    service->identity = {"vera", "viewer", true, "aws-us-east-1", ""};
    w.setService(service, QStringLiteral("demo"), QStringLiteral("/tmp/no-such/deployment.yaml"));
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.access()->dialog() != nullptr, 10000);
    auto* dialog = w.access()->dialog();
    // The regions' reason is shown.
    bool reasonShown = false;
    for (auto* l : dialog->findChildren<QLabel*>())
        reasonShown = reasonShown || l->text().contains(QStringLiteral("requires a token"));
    QVERIFY(reasonShown);
    dialog->tokenEdit()->setText(kToken);
    dialog->accept();
    QTRY_COMPARE(w.identityText(), QStringLiteral("vera · viewer"));
    QCOMPARE(service->token, kToken);
    auto* sync = syncButton(w);
    QVERIFY(sync);
    QVERIFY(!sync->isEnabled());
    QVERIFY2(sync->toolTip().contains(QStringLiteral("needs an operator")),
             qPrintable(sync->toolTip()));
}

void ConsoleAccessTest::refusedTokenIsAskedAgain() {
    MainWindow w;
    auto* service = FakeRegionService::demo();
    service->requiredToken = kToken;
    service->identity = {"otto", "operator", true, "aws-us-east-1", ""};
    w.setService(service, QStringLiteral("demo"), QStringLiteral("/tmp/no-such/deployment.yaml"));
    QTRY_VERIFY_WITH_TIMEOUT(w.access()->dialog() != nullptr, 10000);
    const QString wrong = QStringLiteral("mrd_ba9876543210_") + QString(43, QLatin1Char('y'));
    w.access()->dialog()->tokenEdit()->setText(wrong);
    w.access()->dialog()->accept();
    // Asked again, saying why.
    QTRY_VERIFY(w.access()->dialog() != nullptr &&
                w.access()->dialog()->tokenEdit()->text().isEmpty());
    bool reasonShown = false;
    for (auto* l : w.access()->dialog()->findChildren<QLabel*>())
        reasonShown = reasonShown || l->text().contains(QStringLiteral("not valid here"));
    QVERIFY(reasonShown);
    QVERIFY(w.identityText().isEmpty());
    w.access()->dialog()->tokenEdit()->setText(kToken);
    w.access()->dialog()->accept();
    QTRY_COMPARE(w.identityText(), QStringLiteral("otto · operator"));
    QVERIFY(syncButton(w)->isEnabled());
}

void ConsoleAccessTest::noCredentialsPassStraightThrough() {
    MainWindow w;
    auto* service = FakeRegionService::demo();
    service->identity = {"ops (unverified)", "admin", false, "aws-us-east-1", ""};
    w.setService(service, QStringLiteral("demo"), QStringLiteral("/tmp/no-such/deployment.yaml"));
    QTRY_COMPARE_WITH_TIMEOUT(w.identityText(), QStringLiteral("no credentials required"), 10000);
    QVERIFY(w.access()->dialog() == nullptr);
    QVERIFY(syncButton(w)->isEnabled());
}

void ConsoleAccessTest::tokenFormIsChecked() {
    TokenDialog dialog(QStringLiteral("demo"), QStringLiteral("region requires a token"),
                       QStringLiteral("no keychain service"));
    auto* ok = dialog.findChildren<QPushButton*>().first();
    for (auto* b : dialog.findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Use token"))
            ok = b;
    QVERIFY(!ok->isEnabled());
    dialog.tokenEdit()->setText(QStringLiteral("hunter2"));
    QVERIFY(!ok->isEnabled());
    QVERIFY(!TokenDialog::formProblem(QStringLiteral("hunter2")).isEmpty());
    dialog.tokenEdit()->setText(kToken);
    QVERIFY(ok->isEnabled());
    // With no keychain, the dialog says so and keeps nothing.
    QVERIFY(!dialog.remember());
    bool said = false;
    for (auto* c : dialog.findChildren<QCheckBox*>())
        said = said || c->text().contains(QStringLiteral("no keychain service"));
    QVERIFY(said);
}

QTEST_MAIN(ConsoleAccessTest)
#include "tst_consoleaccess.moc"
