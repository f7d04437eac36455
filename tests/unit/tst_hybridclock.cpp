// The hybrid logical clock under a controlled wall clock.

#include <QtTest>

#include <atomic>
#include <thread>

#include "replication/hybridclock.h"

using meridian::replication::HybridClock;

namespace {

// A wall clock the test moves by hand.
struct FakeWall {
    std::shared_ptr<std::atomic<int64_t>> now = std::make_shared<std::atomic<int64_t>>(1'000'000);
    HybridClock::WallClock fn() const {
        auto n = now;
        return [n] { return n->load(); };
    }
    void set(int64_t ms) { now->store(ms); }
};

}  // namespace

class TestHybridClock : public QObject {
    Q_OBJECT

private slots:
    void layout();
    void tickFollowsWallClock();
    void logicalCounterWithinAMillisecond();
    void monotonicWhenWallGoesBackwards();
    void observeRemoteAhead();
    void observeRemoteBehind();
    void restore();
    void defaultWallClock();
    void concurrentTicksAreUnique();
};

void TestHybridClock::layout() {
    const uint64_t v = HybridClock::make(1718000000123, 7);
    QCOMPARE(HybridClock::physicalMs(v), int64_t(1718000000123));
    QCOMPARE(HybridClock::logical(v), uint16_t(7));
    QVERIFY(HybridClock::make(5, 0xffff) < HybridClock::make(6, 0));
    QCOMPARE(HybridClock::make(0, 0), uint64_t(0));
}

void TestHybridClock::tickFollowsWallClock() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    QCOMPARE(clock.current(), uint64_t(0));
    const uint64_t a = clock.tick();
    QCOMPARE(a, HybridClock::make(1'000'000, 0));
    QCOMPARE(clock.current(), a);
    wall.set(1'000'010);
    const uint64_t b = clock.tick();
    QCOMPARE(b, HybridClock::make(1'000'010, 0));
}

void TestHybridClock::logicalCounterWithinAMillisecond() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    uint64_t last = 0;
    for (uint16_t i = 0; i < 100; ++i) {
        const uint64_t v = clock.tick();
        QCOMPARE(HybridClock::physicalMs(v), int64_t(1'000'000));
        QCOMPARE(HybridClock::logical(v), i);
        QVERIFY(v > last);
        last = v;
    }
    // The next millisecond resets the counter.
    wall.set(1'000'001);
    QCOMPARE(clock.tick(), HybridClock::make(1'000'001, 0));
}

void TestHybridClock::monotonicWhenWallGoesBackwards() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    wall.set(2'000'000);
    const uint64_t high = clock.tick();
    wall.set(1'500'000);  // NTP step back
    uint64_t last = high;
    for (int i = 0; i < 10; ++i) {
        const uint64_t v = clock.tick();
        QVERIFY(v > last);
        QCOMPARE(HybridClock::physicalMs(v), int64_t(2'000'000));  // holds the high-water mark
        last = v;
    }
    QCOMPARE(last, high + 10);
    // Once the wall clock passes the old value, physical time takes over again.
    wall.set(2'000'005);
    QCOMPARE(clock.tick(), HybridClock::make(2'000'005, 0));
}

void TestHybridClock::observeRemoteAhead() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    clock.tick();
    const uint64_t remote = HybridClock::make(1'000'500, 3);
    const uint64_t after = clock.observe(remote);
    QVERIFY(after > remote);
    QCOMPARE(after, remote + 1);
    QCOMPARE(clock.current(), after);
    // Local changes now order after the remote one.
    const uint64_t next = clock.tick();
    QVERIFY(next > after);
    QCOMPARE(HybridClock::physicalMs(next), int64_t(1'000'500));
}

void TestHybridClock::observeRemoteBehind() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    wall.set(3'000'000);
    const uint64_t local = clock.tick();
    const uint64_t after = clock.observe(HybridClock::make(1'000, 0));
    QVERIFY(after > local);
    QCOMPARE(after, local + 1);
    // With the wall clock ahead of both, observe returns wall time.
    wall.set(3'000'100);
    QCOMPARE(clock.observe(HybridClock::make(1'000, 0)), HybridClock::make(3'000'100, 0));
}

void TestHybridClock::restore() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    const uint64_t logged =
        HybridClock::make(9'000'000, 42);  // from a log written by a faster clock
    clock.restore(logged);
    QCOMPARE(clock.current(), logged);
    QCOMPARE(clock.tick(), logged + 1);
    // Restoring a lower value never moves the clock back.
    clock.restore(HybridClock::make(5, 0));
    QCOMPARE(clock.current(), logged + 1);
    QVERIFY(clock.tick() > logged + 1);
}

void TestHybridClock::defaultWallClock() {
    HybridClock clock;
    const int64_t before = meridian::replication::wallClockMs();
    const uint64_t v = clock.tick();
    const int64_t after = meridian::replication::wallClockMs();
    QVERIFY(HybridClock::physicalMs(v) >= before);
    QVERIFY(HybridClock::physicalMs(v) <= after);
    QVERIFY(before > 1'600'000'000'000);  // ms, not seconds
}

void TestHybridClock::concurrentTicksAreUnique() {
    FakeWall wall;
    HybridClock clock(wall.fn());
    constexpr int kThreads = 4, kTicks = 2000;
    std::vector<std::vector<uint64_t>> seen(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kTicks; ++i)
                seen[t].push_back(clock.tick());
        });
    }
    for (auto& t : threads)
        t.join();
    std::vector<uint64_t> all;
    for (const auto& s : seen) {
        QVERIFY(std::is_sorted(s.begin(), s.end()));
        all.insert(all.end(), s.begin(), s.end());
    }
    std::sort(all.begin(), all.end());
    QVERIFY(std::adjacent_find(all.begin(), all.end()) == all.end());
    QCOMPARE(clock.current(), all.back());
}

QTEST_APPLESS_MAIN(TestHybridClock)
#include "tst_hybridclock.moc"
