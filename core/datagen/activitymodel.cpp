#include "datagen/activitymodel.h"

#include <algorithm>
#include <cmath>

namespace meridian::datagen {
namespace {

// Events drawn one by one per window increment; beyond this the sum is scaled from a sample.
constexpr int64_t kMaxAmountDraws = 256;

bool isPayments(std::string_view activity) {
    return nameHasAny(activity, {"txn", "transaction", "payment", "order"});
}

// Events per hour of a typical entity: a shopper pays about every two days and views a few
// pages an hour; a merchant takes a few payments an hour; an item is viewed a couple of times.
double medianRatePerHour(EntityKind kind, std::string_view activity) {
    const bool payments = isPayments(activity);
    const bool views = nameHasAny(activity, {"view", "click", "impression"});
    const bool purchases = nameHasAny(activity, {"purchase", "sale", "sold"});
    const bool carts = nameHasAny(activity, {"cart"});
    if (kind == EntityKind::Merchant)
        return payments ? 3.0 : 1.0;
    if (kind == EntityKind::Item)
        return views ? 2.0 : purchases ? 0.05 : carts ? 0.15 : 0.3;
    if (kind == EntityKind::User)
        return payments ? 0.02 : views ? 0.6 : purchases ? 0.015 : 0.05;
    return 0.1;
}

double cents(double amount) {
    return std::round(amount * 100) / 100;
}

}  // namespace

ActivityModel::ActivityModel(const std::vector<FeaturePlan>& plans, EntityKind entityKind)
    : m_entityKind(entityKind) {
    for (const auto& plan : plans) {
        if (plan.shape == FeatureShape::WindowCount || plan.shape == FeatureShape::WindowAmount)
            addWindow(plan.activity, plan.windowSeconds);
    }
    for (size_t i = 0; i < m_activities.size() && m_primary < 0; ++i) {
        if (isPayments(m_activities[i].name))
            m_primary = static_cast<int>(i);
    }
    if (m_primary < 0 && !m_activities.empty())
        m_primary = 0;
    // Distinct counts and last-event times are bounded by the main activity: count it too, over
    // their window, or over an hour, a day and a week when nothing else counts it.
    for (const auto& plan : plans) {
        if (plan.shape != FeatureShape::DistinctCount && plan.shape != FeatureShape::RecentTime)
            continue;
        const std::string name = m_primary >= 0 ? m_activities[size_t(m_primary)].name : "activity";
        m_primary = addWindow(name, plan.windowSeconds);
        if (m_activities[size_t(m_primary)].windows.empty()) {
            for (int64_t w : {3600, 86400, 7 * 86400})
                addWindow(name, w);
        }
    }
}

int ActivityModel::addWindow(const std::string& name, int64_t windowSeconds) {
    int index = indexOf(name);
    if (index < 0) {
        Activity a;
        a.name = name;
        a.medianRatePerHour = medianRatePerHour(m_entityKind, name);
        a.medianAmount = m_entityKind == EntityKind::Merchant ? 45
                         : m_entityKind == EntityKind::User   ? 38
                                                              : 30;
        m_activities.push_back(std::move(a));
        index = static_cast<int>(m_activities.size()) - 1;
    }
    auto& windows = m_activities[size_t(index)].windows;
    if (windowSeconds > 0 &&
        std::find(windows.begin(), windows.end(), windowSeconds) == windows.end()) {
        windows.push_back(windowSeconds);
        std::sort(windows.begin(), windows.end());
    }
    return index;
}

int ActivityModel::indexOf(const std::string& name) const {
    for (size_t i = 0; i < m_activities.size(); ++i) {
        if (m_activities[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

int ActivityModel::primary(int64_t windowSeconds) const {
    if (m_primary < 0 || windowSeconds == 0)
        return m_primary;
    const auto& w = windows(m_primary);
    return std::find(w.begin(), w.end(), windowSeconds) != w.end() ? m_primary : -1;
}

const std::vector<int64_t>& ActivityModel::windows(int activity) const {
    return m_activities.at(size_t(activity)).windows;
}

size_t ActivityModel::windowIndex(int activity, int64_t windowSeconds) const {
    const auto& w = windows(activity);
    return size_t(std::find(w.begin(), w.end(), windowSeconds) - w.begin());
}

std::vector<ActivityDraw> ActivityModel::draw(
    const std::function<RandomSource(std::string_view aspect)>& entityRandom, double boost,
    RandomSource& random) const {
    std::vector<ActivityDraw> out(m_activities.size());
    for (size_t i = 0; i < m_activities.size(); ++i) {
        const Activity& a = m_activities[i];
        auto& draw = out[i];
        const double rate =
            entityRandom("rate:" + a.name).logNormal(a.medianRatePerHour, 0.9) * boost;
        const double spend = entityRandom("spend:" + a.name).logNormal(1.0, 0.5);
        int64_t count = 0;
        double sum = 0;
        double maximum = 0;
        int64_t previous = 0;
        // Each longer window adds the events of its extra span to the shorter one's.
        for (int64_t window : a.windows) {
            const int64_t added = random.poisson(rate * double(window - previous) / 3600.0);
            const int64_t drawn = std::min(added, kMaxAmountDraws);
            double addedSum = 0;
            for (int64_t k = 0; k < drawn; ++k) {
                const double amount = cents(random.logNormal(a.medianAmount * spend, 0.9));
                addedSum += amount;
                maximum = std::max(maximum, amount);
            }
            if (drawn > 0)
                sum += addedSum * double(added) / double(drawn);
            count += added;
            previous = window;
            draw.counts.push_back(count);
            draw.sums.push_back(cents(sum));
            draw.maxima.push_back(maximum);
        }
    }
    return out;
}

}  // namespace meridian::datagen
