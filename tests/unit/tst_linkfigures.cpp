// How a replication link is described to people, the same in meridianctl and the console:
// every state a region reports on the wire has its name.

#include <QtTest>

#include <set>

#include "console/consoleconvert.h"
#include "console/linkfigures.h"

using namespace meridian;
using namespace meridian::console;

class LinkFiguresTest : public QObject {
    Q_OBJECT

private slots:
    void statesAreNamedForPeople();
    void everyWireStateHasAName();
};

void LinkFiguresTest::statesAreNamedForPeople() {
    QCOMPARE(linkStateName(LinkState::Connecting), std::string("connecting"));
    QCOMPARE(linkStateName(LinkState::Streaming), std::string("streaming"));
    QCOMPARE(linkStateName(LinkState::Snapshot), std::string("snapshot"));
    QCOMPARE(linkStateName(LinkState::SnapshotNeeded), std::string("snapshot needed"));
    QCOMPARE(linkStateName(LinkState::Partitioned), std::string("partitioned"));
    QCOMPARE(linkStateName(LinkState::Down), std::string("down"));
    QCOMPARE(linkStateName(LinkState::Unknown), std::string("unknown"));
}

void LinkFiguresTest::everyWireStateHasAName() {
    QCOMPARE(fromWire(v1::LINK_STATE_UNSPECIFIED), LinkState::Unknown);
    std::set<std::string> names;
    for (int i = v1::LinkState_MIN; i <= v1::LinkState_MAX; ++i) {
        if (!v1::LinkState_IsValid(i) || i == v1::LINK_STATE_UNSPECIFIED)
            continue;
        const auto state = fromWire(static_cast<v1::LinkState>(i));
        QVERIFY2(state != LinkState::Unknown,
                 qPrintable(QString::fromStdString(v1::LinkState_Name(i))));
        names.insert(linkStateName(state));
    }
    // Two states never read the same.
    QCOMPARE(names.size(), size_t(v1::LinkState_MAX));
}

QTEST_APPLESS_MAIN(LinkFiguresTest)
#include "tst_linkfigures.moc"
