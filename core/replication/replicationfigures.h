#pragma once
// What a region's stats answer needs from replication: its per-link figures. The admin service
// is given one (none in a region without peers) and knows nothing else of the replicator.

#include "meridian/v1/admin.pb.h"

namespace meridian::replication {

class ReplicationFigures {
public:
    virtual ~ReplicationFigures() = default;

    // Adds a row per incoming link and per view on it (mode, lag, conflicts, bytes); when
    // `request` asks for the lag history, each link row carries the lag samples the region took
    // after `request.lag_history_after()`, oldest first.
    virtual void fillStats(v1::StatsResponse& out, const v1::StatsRequest& request) = 0;
};

}  // namespace meridian::replication
