#include "storage/erasedkeys.h"

#include <openssl/sha.h>

#include <mutex>

namespace meridian::storage {

std::string ErasedKeys::digestOf(std::string_view entityKey) {
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    SHA256(reinterpret_cast<const unsigned char*>(entityKey.data()), entityKey.size(),
           reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

std::string ErasedKeys::shortHex(std::string_view digest, size_t bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < digest.size() && i < bytes; ++i) {
        const auto b = static_cast<unsigned char>(digest[i]);
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

absl::Status ErasedKeys::load(Connection& conn) {
    auto& q = conn.prepare("SELECT view_id, key_sha256, hlc, at_ms FROM erased_keys");
    while (q.step())
        put(q.int64(0), std::string(q.blob(1)), {static_cast<uint64_t>(q.int64(2)), q.int64(3)});
    return q.finish();
}

absl::Status ErasedKeys::add(Connection& writer, int64_t viewId, std::string_view entityKey,
                             std::string_view erasureId, ErasureMark mark) {
    std::string digest = digestOf(entityKey);
    std::optional<ErasureMark> before;
    {
        std::shared_lock lock(m_mutex);
        if (auto v = m_byView.find(viewId); v != m_byView.end())
            if (auto k = v->second.find(digest); k != v->second.end())
                before = k->second;
    }
    if (before && before->hlc >= mark.hlc && before->atMs >= mark.atMs)
        return absl::OkStatus();
    if (before) {
        mark.hlc = std::max(mark.hlc, before->hlc);
        mark.atMs = std::max(mark.atMs, before->atMs);
    }
    auto st =
        writer
            .prepare(
                "INSERT INTO erased_keys(view_id, key_sha256, erasure_id, hlc, at_ms) "
                "VALUES(?, ?, ?, ?, ?) ON CONFLICT(view_id, key_sha256) DO UPDATE SET "
                "erasure_id = excluded.erasure_id, hlc = excluded.hlc, at_ms = excluded.at_ms")
            .bind(1, viewId)
            .bindBlob(2, digest)
            .bind(3, erasureId)
            .bind(4, static_cast<int64_t>(mark.hlc))
            .bind(5, mark.atMs)
            .run();
    if (!st.ok())
        return st;
    writer.onRollback([this, viewId, digest, before] { restore(viewId, digest, before); });
    put(viewId, std::move(digest), mark);
    return absl::OkStatus();
}

bool ErasedKeys::blocksSlow(int64_t viewId, std::string_view entityKey, int64_t eventTs,
                            uint64_t writeHlc) const {
    std::shared_lock lock(m_mutex);
    auto v = m_byView.find(viewId);
    if (v == m_byView.end())
        return false;
    auto k = v->second.find(digestOf(entityKey));
    if (k == v->second.end())
        return false;
    return writeHlc <= k->second.hlc || eventTs <= k->second.atMs;
}

int64_t ErasedKeys::size() const {
    std::shared_lock lock(m_mutex);
    int64_t n = 0;
    for (const auto& [view, keys] : m_byView)
        n += static_cast<int64_t>(keys.size());
    return n;
}

void ErasedKeys::put(int64_t viewId, std::string digest, ErasureMark mark) {
    std::unique_lock lock(m_mutex);
    m_byView[viewId][std::move(digest)] = mark;
    m_any.store(true, std::memory_order_release);
}

void ErasedKeys::restore(int64_t viewId, const std::string& digest,
                         std::optional<ErasureMark> before) {
    std::unique_lock lock(m_mutex);
    auto v = m_byView.find(viewId);
    if (v == m_byView.end())
        return;
    if (before)
        v->second[digest] = *before;
    else
        v->second.erase(digest);
    if (v->second.empty())
        m_byView.erase(v);
    m_any.store(!m_byView.empty(), std::memory_order_release);
}

}  // namespace meridian::storage
