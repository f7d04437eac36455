// What the Costs page computes from a cost report: totals per link, view and kind, the window's
// total, $/day and 30-day projection over the time traffic has flowed, $ per hour, and each
// what-if moving the figure the way core/cost says it should.

#include <QtTest>

#include <cmath>

#include "console/costanalysis.h"

using namespace meridian::console;

namespace {

constexpr int64_t kHour = CostAnalysis::kHourMs;
// 2026-11-26 10:00:00 UTC, on the hour.
constexpr int64_t kEnd = 1'795'860'000'000;

CostLineInfo line(const char* from, const char* to, const char* view, const char* kind,
                  int64_t bytes, double usdPerGb, int64_t rawBytes = 0) {
    CostLineInfo l;
    l.from = from;
    l.to = to;
    l.view = view;
    l.kind = kind;
    l.bytes = bytes;
    l.rawBytes = rawBytes;
    l.usdPerGb = usdPerGb;
    l.usd = static_cast<double>(bytes) / 1e9 * usdPerGb;
    l.priceClass = usdPerGb > 0.05 ? "aws internet egress (to gcp)" : "aws inter-region";
    return l;
}

// An hour of traffic on three regions: two views streaming, a snapshot and control traffic.
CostReport hourReport() {
    CostReport r;
    r.sinceMs = kEnd - kHour;
    r.untilMs = kEnd;
    r.pricingSource = "pricing.yaml";
    r.lines = {
        line("us", "eu", "shop/orders", "stream", 2'000'000'000, 0.02, 6'000'000'000),
        line("us", "eu", "", "control", 100'000'000, 0.02, 100'000'000),
        line("us", "gcp", "shop/orders", "stream", 1'000'000'000, 0.09, 3'000'000'000),
        line("us", "gcp", "shop/users", "snapshot", 500'000'000, 0.09, 500'000'000),
        line("eu", "us", "shop/users", "stream", 400'000'000, 0.02, 1'200'000'000),
    };
    for (int m = 0; m < 60; ++m)
        r.perMinute.push_back({r.sinceMs + m * 60'000, 66'666'666, 0.0});
    return r;
}

double sumUsd(const CostReport& r) {
    double usd = 0;
    for (const auto& l : r.lines)
        usd += l.usd;
    return usd;
}

}  // namespace

class CostAnalysisTest : public QObject {
    Q_OBJECT

private slots:
    void totalsPerLinkViewAndKind();
    void projectionOverTheWindow();
    void projectionOfAYoungDeploymentUsesTheTimeTrafficFlowed();
    void compressionOffCostsMore();
    void viewAsBatchResendsTheDayPartition();
    void withoutRegionDropsItsLinks();
    void hourlyBucketsTheLastDay();
    void emptyReport();
    void priceSourcesFromThePriceTable();
};

void CostAnalysisTest::totalsPerLinkViewAndKind() {
    const CostAnalysis a(hourReport());
    QVERIFY(qFuzzyCompare(a.usd(), sumUsd(hourReport())));
    QCOMPARE(a.bytes(), int64_t(4'000'000'000));
    QCOMPARE(a.rawBytes(), int64_t(10'800'000'000));

    // Links, dearest first: us→gcp 1.5 GB at $0.09, us→eu 2.1 GB at $0.02, eu→us.
    QCOMPARE(a.links().size(), size_t(3));
    const auto& top = a.links()[0];
    QCOMPARE(top.from, std::string("us"));
    QCOMPARE(top.to, std::string("gcp"));
    QCOMPARE(top.bytes, int64_t(1'500'000'000));
    QVERIFY(qFuzzyCompare(top.usd, 0.135));
    QCOMPARE(top.priceClass, std::string("aws internet egress (to gcp)"));
    QCOMPARE(top.usdPerGb, 0.09);
    QVERIFY(qFuzzyCompare(top.usdPer30Days, 0.135 * 24 * 30));
    QCOMPARE(a.links()[1].from + "→" + a.links()[1].to, std::string("us→eu"));
    QVERIFY(qFuzzyCompare(a.links()[1].usd, 0.042));
    QCOMPARE(a.links()[2].from + "→" + a.links()[2].to, std::string("eu→us"));

    // Views: orders (0.04 + 0.09), users (0.045 + 0.008), control (0.002).
    QCOMPARE(a.views().size(), size_t(3));
    QCOMPARE(a.views()[0].view, std::string("shop/orders"));
    QVERIFY(qFuzzyCompare(a.views()[0].usd, 0.13));
    QCOMPARE(a.views()[0].links, 2);
    QCOMPARE(a.views()[0].kinds, std::vector<std::string>{"stream"});
    QCOMPARE(a.views()[1].view, std::string("shop/users"));
    QCOMPARE(a.views()[1].kinds, (std::vector<std::string>{"snapshot", "stream"}));
    QCOMPARE(a.views()[2].view, std::string());
    QVERIFY(qFuzzyCompare(a.views()[2].usd, 0.002));

    // Kinds.
    QCOMPARE(a.kinds().size(), size_t(3));
    QCOMPARE(a.kinds()[0].kind, std::string("stream"));
    QVERIFY(qFuzzyCompare(a.kinds()[0].usd, 0.04 + 0.09 + 0.008));
    QCOMPARE(a.kinds()[0].bytes, int64_t(3'400'000'000));
    double kindSum = 0;
    for (const auto& k : a.kinds())
        kindSum += k.usd;
    QVERIFY(qFuzzyCompare(kindSum, a.usd()));

    QCOMPARE(a.regions(), (std::vector<std::string>{"eu", "gcp", "us"}));
}

void CostAnalysisTest::projectionOverTheWindow() {
    const CostAnalysis a(hourReport());
    QCOMPARE(a.windowSeconds(), 3600.0);
    QCOMPARE(a.observedSinceMs(), kEnd - kHour);
    QVERIFY(qFuzzyCompare(a.usdPerDay(), a.usd() * 24));
    QVERIFY(qFuzzyCompare(a.usdPer30Days(), a.usd() * 24 * 30));
}

void CostAnalysisTest::projectionOfAYoungDeploymentUsesTheTimeTrafficFlowed() {
    // A 24-hour window, but traffic only for the last 30 minutes: a day is 48 such halves.
    CostReport r = hourReport();
    r.sinceMs = kEnd - 24 * kHour;
    r.perMinute.erase(r.perMinute.begin(), r.perMinute.begin() + 30);
    const CostAnalysis a(r);
    QCOMPARE(a.observedSinceMs(), kEnd - kHour / 2);
    QCOMPARE(a.windowSeconds(), 1800.0);
    QVERIFY(qFuzzyCompare(a.usdPerDay(), a.usd() * 48));

    // Never less than a minute, however young.
    r.perMinute = {{kEnd - 10'000, 1, 0}};
    QCOMPARE(CostAnalysis(r).windowSeconds(), 60.0);
}

void CostAnalysisTest::compressionOffCostsMore() {
    const CostAnalysis a(hourReport());
    const auto w = a.whatIf({WhatIf::Kind::CompressionOff, {}, 0, {}});
    // Raw bytes at each line's price.
    const double expected = 6 * 0.02 + 0.1 * 0.02 + 3 * 0.09 + 0.5 * 0.09 + 1.2 * 0.02;
    QVERIFY(qFuzzyCompare(w.usd, expected));
    QVERIFY(w.usdPer30Days > w.actualPer30Days);
    QVERIFY(qFuzzyCompare(w.usdPer30Days, expected * 24 * 30));
    QVERIFY(qFuzzyCompare(w.differencePer30Days, w.usdPer30Days - a.usdPer30Days()));

    // A region that does not report raw bytes is taken at what it sent, not at zero.
    CostReport r = hourReport();
    for (auto& l : r.lines)
        l.rawBytes = 0;
    const auto same = CostAnalysis(r).whatIf({WhatIf::Kind::CompressionOff, {}, 0, {}});
    QVERIFY(qFuzzyCompare(same.usd, sumUsd(r)));
}

void CostAnalysisTest::viewAsBatchResendsTheDayPartition() {
    const CostAnalysis a(hourReport());
    // Every 6 h: 4 syncs a day, each copying the day partition so far: (4 + 1) / 2 times.
    WhatIf w{WhatIf::Kind::ViewAsBatch, "shop/orders", 6, {}};
    const auto six = a.whatIf(w);
    QVERIFY(qFuzzyCompare(six.usd, a.usd() + 0.13 * 1.5));
    QVERIFY(six.differencePer30Days > 0);
    // Once a day, the partition crosses once: what streaming costs.
    w.everyHours = 24;
    QVERIFY(qFuzzyCompare(a.whatIf(w).usd, a.usd()));
    // More often is dearer.
    w.everyHours = 1;
    QVERIFY(a.whatIf(w).usd > six.usd);
    // Only the view's streamed lines change: users' snapshot stays as it is.
    w = {WhatIf::Kind::ViewAsBatch, "shop/users", 12, {}};
    QVERIFY(qFuzzyCompare(a.whatIf(w).usd, a.usd() + 0.008 * 0.5));
    // A view that sent nothing changes nothing.
    w.view = "shop/nothing";
    QVERIFY(qFuzzyCompare(a.whatIf(w).usd, a.usd()));
}

void CostAnalysisTest::withoutRegionDropsItsLinks() {
    const CostAnalysis a(hourReport());
    const auto w = a.whatIf({WhatIf::Kind::WithoutRegion, {}, 0, "gcp"});
    QVERIFY(qFuzzyCompare(w.usd, a.usd() - 0.135));
    QVERIFY(w.differencePer30Days < 0);
    QVERIFY(qFuzzyCompare(w.differencePer30Days, -0.135 * 24 * 30));
    // Without the region every line touches, nothing is left.
    QCOMPARE(a.whatIf({WhatIf::Kind::WithoutRegion, {}, 0, "us"}).usd, 0.0);
}

void CostAnalysisTest::hourlyBucketsTheLastDay() {
    CostReport r;
    r.sinceMs = kEnd - 24 * kHour;
    r.untilMs = kEnd + 20 * 60'000;                 // 20 minutes into the hour under way
    r.perMinute = {{kEnd - 30 * kHour, 1000, 9.0},  // older than the day: left out
                   {kEnd - 23 * kHour, 100, 0.5},   // first hour of the day
                   {kEnd - 23 * kHour + 59 * 60'000, 100, 0.25},
                   {kEnd - 2 * kHour + 60'000, 10, 0.125},
                   {kEnd + 5 * 60'000, 1, 0.0625}};
    const auto hours = CostAnalysis(r).hourly(24);
    QCOMPARE(hours.size(), size_t(24));
    QCOMPARE(hours.back().hourMs, kEnd);  // the hour under way
    QCOMPARE(hours.front().hourMs, kEnd - 23 * kHour);
    QCOMPARE(hours.front().usd, 0.75);
    QCOMPARE(hours.front().bytes, int64_t(200));
    QCOMPARE(hours[21].usd, 0.125);
    QCOMPARE(hours.back().usd, 0.0625);
    double total = 0;
    for (const auto& h : hours)
        total += h.usd;
    QCOMPARE(total, 0.9375);
    QCOMPARE(CostAnalysis(r).hourly(3).size(), size_t(3));
}

void CostAnalysisTest::emptyReport() {
    const CostAnalysis a(CostReport{});
    QCOMPARE(a.usd(), 0.0);
    QCOMPARE(a.usdPer30Days(), 0.0);
    QVERIFY(a.links().empty());
    QVERIFY(a.hourly().empty());
    QCOMPARE(a.whatIf({WhatIf::Kind::CompressionOff, {}, 0, {}}).differencePer30Days, 0.0);
}

void CostAnalysisTest::priceSourcesFromThePriceTable() {
    const std::string file = MERIDIAN_SOURCE_DIR "/resources/pricing.yaml";
    const auto sources = priceSources(file, {"aws", "gcp", "aws", "nocloud"});
    QCOMPARE(sources.size(), size_t(2));
    QCOMPARE(sources[0].cloud, std::string("aws"));
    QVERIFY(QString::fromStdString(sources[0].source).startsWith("https://aws.amazon.com/"));
    QVERIFY(!sources[0].recorded.empty());
    QCOMPARE(sources[1].cloud, std::string("gcp"));
    QVERIFY(priceSources("/nonexistent/pricing.yaml", {"aws"}).empty());
    QVERIFY(priceSources("", {"aws"}).empty());
}

QTEST_GUILESS_MAIN(CostAnalysisTest)
#include "tst_costanalysis.moc"
