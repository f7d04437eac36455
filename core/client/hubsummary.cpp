#include "client/hubsummary.h"

#include <map>

#include "meridian/v1/replication.pb.h"

namespace meridian::client {

std::vector<HubSummary> summarizeHubs(const std::vector<RegionHubs>& regions) {
    std::map<std::string, HubSummary> rows;
    for (const auto& r : regions) {
        if (!r.answer)
            continue;
        for (const auto& a : r.answer->assignments()) {
            auto& row = rows[a.feature_view()];
            row.view = a.feature_view();
            if (a.epoch() > row.epoch) {
                row.hub = a.hub();
                row.epoch = a.epoch();
                row.sinceMs = a.assigned_at();
                row.previousHub = a.previous_hub();
            }
        }
    }
    for (const auto& r : regions) {
        if (!r.answer)
            continue;
        for (auto& [view, row] : rows) {
            ++row.answering;
            bool agrees = false;
            for (const auto& a : r.answer->assignments()) {
                if (a.feature_view() != view)
                    continue;
                agrees = a.epoch() == row.epoch && a.hub() == row.hub;
                if (r.region == row.hub && agrees) {
                    row.hubAnswered = true;
                    row.acceptsWrites = a.accepting_writes();
                    row.gate = a.gate();
                }
            }
            if (agrees)
                ++row.agreeing;
            else
                row.notAgreeing.push_back(r.region);
        }
    }
    std::vector<HubSummary> out;
    for (auto& [view, row] : rows)
        out.push_back(std::move(row));
    return out;
}

}  // namespace meridian::client
