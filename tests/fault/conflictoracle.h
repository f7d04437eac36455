#pragma once
// The fault suite's independent checker: from the write history alone, what each key of a view
// may hold once the regions have converged under the conflict rule (greater event time, then
// greater write clock, then greater origin region name), and how the values regions hold
// compare with that.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "fault/workload.h"
#include "support/replicationhelpers.h"

namespace meridian::test {

struct OracleReport {
    int keysChecked = 0;
    int readsChecked = 0;  // keys times regions
    int lost = 0;          // keys where a region holds less than an acknowledged write
    int diverged = 0;      // keys the regions disagree on
    int phantoms = 0;      // values no client ever wrote (or with another write's score)
    int unreadable = 0;    // reads that failed
    std::vector<std::string> problems;  // the first few, for the failure message

    bool clean() const { return lost == 0 && diverged == 0 && phantoms == 0 && unreadable == 0; }
    void add(const OracleReport& other);
};

class ConflictOracle {
public:
    explicit ConflictOracle(const std::vector<WriteRecord>& writes);

    // `byRegion`: the online values of `view` in each region that holds it, for `keys`.
    // A key with an acknowledged write must hold the greatest acknowledged write under the rule,
    // unless an unknown write may be greater (its clock is unknown: any with an event time not
    // below the winner's); then it may hold that one. A key with only unknown writes may be
    // absent or hold one of them. A refused write may never be held. Every region must hold the
    // same.
    OracleReport check(const std::string& view, const std::vector<int64_t>& keys,
                       const std::map<std::string, RepValues>& byRegion) const;

private:
    struct KeyWrites {
        const WriteRecord* winner = nullptr;  // greatest acknowledged write
        std::vector<const WriteRecord*> unknown;
    };
    std::vector<WriteRecord> m_writes;
    std::map<std::pair<std::string, int64_t>, KeyWrites> m_byKey;
    std::map<std::string, const WriteRecord*> m_byLabel;
};

}  // namespace meridian::test
