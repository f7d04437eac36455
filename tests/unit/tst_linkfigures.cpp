// How a replication link is described to people, the same in meridianctl and the console:
// every state a region reports on the wire has its name, and the lag is the age of the oldest
// change not yet applied, never the latency.

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
    void lagIsZeroWhenCaughtUp();
    void lagIsTheAgeOfTheOldestUnappliedChange();
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

namespace {

// A streaming link whose changes take 40 ms to arrive.
LinkStatus streamingLink(double lagSeconds, int64_t changesBehind) {
    LinkStatus l;
    l.from = "us1";
    l.to = "eu1";
    l.state = LinkState::Streaming;
    l.lagSeconds = lagSeconds;
    l.changesBehind = changesBehind;
    l.latencyP50Ms = 40;
    l.latencyP99Ms = 55;
    return l;
}

}  // namespace

void LinkFiguresTest::lagIsZeroWhenCaughtUp() {
    const auto l = streamingLink(0, 0);
    QCOMPARE(lagSeconds(l), 0.0);
    QCOMPARE(lagMs(l), 0.0);  // not the 40 ms of latency
    QCOMPARE(lagMs(LinkStatus::Sample{1'700'000'000'000, 0, 40}), 0.0);
    // As meridianctl reads it off the wire.
    v1::LinkStats wire;
    wire.set_state(v1::LINK_STATE_STREAMING);
    wire.set_latency_p50_ms(40);
    QCOMPARE(lagSeconds(toLink(wire)), 0.0);
}

void LinkFiguresTest::lagIsTheAgeOfTheOldestUnappliedChange() {
    // The receiving region measured the oldest change it has not applied as 2.5 s old.
    const auto behind = streamingLink(2.5, 1200);
    QCOMPARE(lagSeconds(behind), 2.5);
    QCOMPARE(lagMs(behind), 2500.0);
    QCOMPARE(lagMs(LinkStatus::Sample{1'700'000'000'000, 2.5, 40}), 2500.0);
    // A partitioned link: its copy is as old as the last word from the peer.
    auto cut = streamingLink(31, 0);
    cut.state = LinkState::Partitioned;
    QCOMPARE(lagSeconds(cut), 31.0);
    // Clocks a little apart never make a negative age.
    QCOMPARE(lagSeconds(streamingLink(-0.003, 0)), 0.0);
    v1::LinkStats wire;
    wire.set_lag_seconds(2.5);
    wire.set_changes_behind(1200);
    QCOMPARE(lagSeconds(toLink(wire)), 2.5);
}

QTEST_APPLESS_MAIN(LinkFiguresTest)
#include "tst_linkfigures.moc"
