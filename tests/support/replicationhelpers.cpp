#include "support/replicationhelpers.h"

namespace meridian::test {

grpc::Status writeRep(TestClient& client, const std::string& view, const std::vector<RepRow>& rows,
                      int target) {
    v1::WriteFeaturesRequest w;
    w.set_project("rep");
    w.set_feature_view(view);
    w.set_target(static_cast<v1::WriteTarget>(target));
    for (const auto& r : rows) {
        auto* row = w.add_rows();
        (*row->mutable_keys())["user_id"].set_int64_val(r.userId);
        row->set_event_timestamp(r.eventMs);
        (*row->mutable_values())["score"].set_double_val(r.score);
        (*row->mutable_values())["label"].set_string_val(r.label);
    }
    v1::WriteFeaturesResponse out;
    auto ctx = client.context(std::chrono::seconds(30));
    return client.serving().WriteFeatures(ctx.get(), w, &out);
}

std::optional<RepValues> readRep(TestClient& client, const std::string& view,
                                 const std::vector<int64_t>& ids) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("rep");
    r.mutable_features()->add_refs(view + ":score");
    r.mutable_features()->add_refs(view + ":label");
    for (int64_t id : ids)
        (*r.add_entities()->mutable_keys())["user_id"].set_int64_val(id);
    v1::GetOnlineFeaturesResponse out;
    auto ctx = client.context();
    if (!client.serving().GetOnlineFeatures(ctx.get(), r, &out).ok())
        return std::nullopt;
    RepValues values;
    for (int i = 0; i < out.rows_size(); ++i) {
        const auto& row = out.rows(i);
        if (row.values(0).status() != v1::PRESENT)
            continue;
        values[ids[i]] = {row.values(0).value().double_val(), row.values(1).value().string_val()};
    }
    return values;
}

int registryCount(TestClient& client) {
    v1::ListObjectsResponse out;
    auto ctx = client.context(std::chrono::seconds(2));
    if (!client.registry().ListObjects(ctx.get(), v1::ListObjectsRequest{}, &out).ok())
        return 0;
    return out.objects_size();
}

std::optional<v1::StatsResponse> stats(TestClient& client) {
    v1::StatsResponse out;
    auto ctx = client.context(std::chrono::seconds(2));
    if (!client.admin().Stats(ctx.get(), v1::StatsRequest{}, &out).ok())
        return std::nullopt;
    return out;
}

std::optional<v1::LinkStats> linkOf(const v1::StatsResponse& s, const std::string& from,
                                    const std::string& view) {
    for (const auto& l : s.links()) {
        if (l.from_region() == from && l.feature_view() == view)
            return l;
    }
    return std::nullopt;
}

std::vector<int64_t> idRange(int64_t first, int64_t count) {
    std::vector<int64_t> out;
    for (int64_t i = 0; i < count; ++i)
        out.push_back(first + i);
    return out;
}

}  // namespace meridian::test

#include <QDirIterator>
#include <QFile>

namespace meridian::test {

std::optional<v1::SyncJob> runJob(TestClient& to, const std::string& from, v1::SyncJob::Kind kind,
                                  const std::vector<std::string>& scope,
                                  grpc::Status* triggerStatus) {
    v1::TriggerSyncRequest request;
    request.set_from_region(from);
    request.set_kind(kind);
    request.set_principal("test");
    for (const auto& s : scope)
        request.add_scope(s);
    v1::SyncJob job;
    {
        auto ctx = to.context();
        auto st = to.replication().TriggerSync(ctx.get(), request, &job);
        if (triggerStatus)
            *triggerStatus = st;
        if (!st.ok())
            return std::nullopt;
    }
    v1::JobRef ref;
    ref.set_id(job.id());
    auto ctx = to.context(std::chrono::seconds(120));
    auto reader = to.replication().WatchJob(ctx.get(), ref);
    while (reader->Read(&job)) {
    }
    if (!reader->Finish().ok())
        return std::nullopt;
    return job;
}

bool setPartition(TestClient& at, const std::string& peer, bool partitioned) {
    v1::LinkEmulationRequest request;
    request.set_peer(peer);
    request.set_partitioned(partitioned);
    request.set_reset(!partitioned);
    v1::LinkEmulationResponse out;
    auto ctx = at.context();
    return at.replication().SetLinkEmulation(ctx.get(), request, &out).ok();
}

int filesContaining(const QString& dir, const QByteArray& marker) {
    int n = 0;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(marker))
            ++n;
    }
    return n;
}

}  // namespace meridian::test
