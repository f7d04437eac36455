#pragma once
// Reading and writing the rep project of tests/data/replicationrepo.yaml in replication tests.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QByteArray>
#include <QString>

#include "meridian/v1/admin.pb.h"
#include "support/testclient.h"

namespace meridian::test {

struct RepRow {
    int64_t userId = 0;
    int64_t eventMs = 0;
    double score = 0;
    std::string label;
};

using RepValues = std::map<int64_t, std::pair<double, std::string>>;

grpc::Status writeRep(TestClient& client, const std::string& view, const std::vector<RepRow>& rows,
                      int target = 0 /* v1::WriteTarget */);
// user id -> (score, label) of the rows present online; empty optional when the read failed.
std::optional<RepValues> readRep(TestClient& client, const std::string& view,
                                 const std::vector<int64_t>& ids);
// Objects in the registry of that region (0 when it does not answer).
int registryCount(TestClient& client);
std::optional<v1::StatsResponse> stats(TestClient& client);
// The link from `from` in `stats`, view "" for the link as a whole.
std::optional<v1::LinkStats> linkOf(const v1::StatsResponse& stats, const std::string& from,
                                    const std::string& view = {});
std::vector<int64_t> idRange(int64_t first, int64_t count);

}  // namespace meridian::test

namespace meridian::test {

// Starts a sync job at `to` and waits for it to finish; the finished job, or empty on an RPC error.
std::optional<v1::SyncJob> runJob(TestClient& to, const std::string& from, v1::SyncJob::Kind kind,
                                  const std::vector<std::string>& scope = {},
                                  grpc::Status* triggerStatus = nullptr);
// Cuts (or heals) the link from `peer` into the region `at` (link emulation).
bool setPartition(TestClient& at, const std::string& peer, bool partitioned);
// How many files under `dir` (recursively) contain `marker`.
int filesContaining(const QString& dir, const QByteArray& marker);

}  // namespace meridian::test
