#include "fault/conflictoracle.h"

#include <optional>
#include <set>

namespace meridian::test {
namespace {

constexpr size_t kMaxProblems = 20;

// The conflict rule of core/storage/onlinetable.cpp, restated here on purpose: the checker
// must not share code with what it checks.
bool beats(const WriteRecord& a, const WriteRecord& b) {
    return std::tie(a.eventMs, a.version, a.region) > std::tie(b.eventMs, b.version, b.region);
}

std::string describe(const WriteRecord& w) {
    return w.label + " (event " + std::to_string(w.eventMs) + ", clock " +
           (w.acked     ? std::to_string(w.version)
            : w.refused ? std::string("none: refused")
                        : std::string("unknown")) +
           ", " + w.region + ")";
}

}  // namespace

void OracleReport::add(const OracleReport& other) {
    keysChecked += other.keysChecked;
    readsChecked += other.readsChecked;
    lost += other.lost;
    diverged += other.diverged;
    phantoms += other.phantoms;
    unreadable += other.unreadable;
    for (const auto& p : other.problems) {
        if (problems.size() < kMaxProblems)
            problems.push_back(p);
    }
}

ConflictOracle::ConflictOracle(const std::vector<WriteRecord>& writes) : m_writes(writes) {
    for (const auto& w : m_writes) {
        auto& k = m_byKey[{w.view, w.userId}];
        if (w.acked) {
            if (!k.winner || beats(w, *k.winner))
                k.winner = &w;
        } else if (!w.refused) {  // a refused write may never show
            k.unknown.push_back(&w);
        }
        m_byLabel[w.label] = &w;
    }
}

OracleReport ConflictOracle::check(const std::string& view, const std::vector<int64_t>& keys,
                                   const std::map<std::string, RepValues>& byRegion) const {
    OracleReport report;
    auto problem = [&](std::string text) {
        if (report.problems.size() < kMaxProblems)
            report.problems.push_back(view + " user " + std::move(text));
    };
    for (int64_t key : keys) {
        ++report.keysChecked;
        const KeyWrites none;
        auto it = m_byKey.find({view, key});
        const KeyWrites& writes = it == m_byKey.end() ? none : it->second;

        // The labels this key may hold; "" stands for no row.
        std::set<std::string> allowed;
        if (writes.winner)
            allowed.insert(writes.winner->label);
        else
            allowed.insert("");
        for (const auto* u : writes.unknown) {
            if (!writes.winner || u->eventMs >= writes.winner->eventMs)
                allowed.insert(u->label);
        }

        std::optional<std::string> first;
        bool lost = false, diverged = false, phantom = false;
        for (const auto& [region, values] : byRegion) {
            ++report.readsChecked;
            auto v = values.find(key);
            const std::string label = v == values.end() ? std::string() : v->second.second;
            if (first && *first != label && !diverged) {
                diverged = true;
                problem(std::to_string(key) + ": regions disagree ('" + *first + "' and '" + label +
                        "' in " + region + ")");
            }
            if (!first)
                first = label;
            if (!label.empty()) {
                auto w = m_byLabel.find(label);
                if (w == m_byLabel.end() || w->second->view != view || w->second->userId != key ||
                    w->second->score != v->second.first) {
                    phantom = true;
                    problem(std::to_string(key) + " in " + region + ": '" + label +
                            "' is no write of this key with this score");
                    continue;
                }
            }
            if (!allowed.count(label)) {
                lost = true;
                problem(std::to_string(key) + " in " + region + ": holds " +
                        (label.empty() ? std::string("nothing") : describe(*m_byLabel.at(label))) +
                        (writes.winner ? ", but acknowledged " + describe(*writes.winner) + " wins"
                                       : std::string(", which no write allows")));
            }
        }
        report.lost += lost ? 1 : 0;
        report.diverged += diverged ? 1 : 0;
        report.phantoms += phantom ? 1 : 0;
    }
    return report;
}

}  // namespace meridian::test
