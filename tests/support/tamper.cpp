#include "support/tamper.h"

#include <sqlite3.h>

#include <memory>

#include "storage/entitykey.h"
#include "storage/rowformat.h"
#include "storage/rowschema.h"

namespace meridian::test {

bool rewriteOnlineRow(const QString& dataDir, const std::string& project, const std::string& view,
                      int64_t user, double score, const std::string& label) {
    sqlite3* raw = nullptr;
    const QByteArray path = (dataDir + "/region.db").toUtf8();
    if (sqlite3_open_v2(path.constData(), &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(raw);
        return false;
    }
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    sqlite3_busy_timeout(db.get(), 10'000);
    std::vector<storage::KeyPart> parts(1);
    parts[0].first = "user_id";
    parts[0].second.set_int64_val(user);
    const std::string key = *storage::encodeEntityKey(parts);

    sqlite3_stmt* read = nullptr;
    sqlite3_prepare_v2(db.get(),
                       "SELECT o.vals, o.view_id FROM online o JOIN views v ON v.id = o.view_id "
                       "WHERE v.project = ?1 AND v.name = ?2 AND o.entity_key = ?3",
                       -1, &read, nullptr);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> q(read, &sqlite3_finalize);
    sqlite3_bind_text(read, 1, project.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(read, 2, view.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(read, 3, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(read) != SQLITE_ROW)
        return false;
    const std::string vals(static_cast<const char*>(sqlite3_column_blob(read, 0)),
                           static_cast<size_t>(sqlite3_column_bytes(read, 0)));
    const int64_t viewId = sqlite3_column_int64(read, 1);
    q.reset();
    uint32_t schemaId = 0;
    if (!storage::rowSchemaId(vals, schemaId))
        return false;
    const auto schema = storage::RowSchema::make({{"score", v1::DOUBLE}, {"label", v1::STRING}});
    v1::Value s, l;
    s.set_double_val(score);
    l.set_string_val(label);
    const std::string row = storage::encodeRow(schemaId, schema, {&s, &l});

    sqlite3_stmt* write = nullptr;
    sqlite3_prepare_v2(db.get(),
                       "UPDATE online SET vals = ?1 WHERE view_id = ?2 AND entity_key = ?3", -1,
                       &write, nullptr);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> w(write, &sqlite3_finalize);
    sqlite3_bind_blob(write, 1, row.data(), static_cast<int>(row.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(write, 2, viewId);
    sqlite3_bind_blob(write, 3, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    return sqlite3_step(write) == SQLITE_DONE && sqlite3_changes(db.get()) == 1;
}

}  // namespace meridian::test
