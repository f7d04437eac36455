#pragma once
// The activities a view counts over trailing windows (payments, item views), drawn per row so
// that a longer window never counts fewer events and amount aggregates agree with the counts.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "datagen/featureplan.h"
#include "datagen/keypopulation.h"
#include "datagen/randomsource.h"

namespace meridian::datagen {

// One row's draw of one activity, aligned with its windows: cumulative counts, and the sum and
// the largest of the amounts of those events (USD).
struct ActivityDraw {
    std::vector<int64_t> counts;
    std::vector<double> sums;
    std::vector<double> maxima;
};

class ActivityModel {
public:
    // The activities named by the windowed counts and amounts of `plans`, plus the main activity
    // that bounds distinct counts and last-event times. `entityKind` sets typical rates: a shopper
    // pays every other day, a merchant several times an hour.
    ActivityModel(const std::vector<FeaturePlan>& plans, EntityKind entityKind);

    // The index of an activity, -1 if it is not counted.
    int indexOf(const std::string& name) const;
    // The main activity (payments when they are counted) if it is counted over `windowSeconds`,
    // over any window for 0; -1 otherwise.
    int primary(int64_t windowSeconds) const;
    // The windows of an activity in seconds, ascending, and the position of one of them.
    const std::vector<int64_t>& windows(int activity) const;
    size_t windowIndex(int activity, int64_t windowSeconds) const;

    // Every activity of one entity, aligned with the indexes: `entityRandom(aspect)` gives the
    // entity's stable rate and spend, `boost` scales the rate (heavy entities are busier) and
    // `random` draws the events.
    std::vector<ActivityDraw> draw(
        const std::function<RandomSource(std::string_view aspect)>& entityRandom, double boost,
        RandomSource& random) const;

private:
    struct Activity {
        std::string name;
        std::vector<int64_t> windows;  // seconds, ascending
        double medianRatePerHour = 0.1;
        double medianAmount = 30;  // USD per event
    };

    int addWindow(const std::string& name, int64_t windowSeconds);

    EntityKind m_entityKind;
    std::vector<Activity> m_activities;
    int m_primary = -1;
};

}  // namespace meridian::datagen
