#include "storage/viewids.h"

namespace meridian::storage {

absl::StatusOr<int64_t> ViewIds::obtain(Connection& writer, const std::string& project,
                                        const std::string& name) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_ids.find({project, name});
        if (it != m_ids.end())
            return it->second;
    }
    auto& ins = writer.prepare("INSERT OR IGNORE INTO views(project, name) VALUES(?, ?)");
    if (auto st = ins.bind(1, project).bind(2, name).run(); !st.ok())
        return st;
    auto found = find(writer, project, name);
    if (!found.ok())
        return found.status();
    if (!*found)
        return absl::InternalError("view id for " + project + "/" + name + " not created");
    return **found;
}

absl::StatusOr<std::optional<int64_t>> ViewIds::find(Connection& conn, const std::string& project,
                                                     const std::string& name) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_ids.find({project, name});
        if (it != m_ids.end())
            return std::optional<int64_t>(it->second);
    }
    auto& q = conn.prepare("SELECT id FROM views WHERE project = ? AND name = ?");
    q.bind(1, project).bind(2, name);
    std::optional<int64_t> id;
    if (q.step())
        id = q.int64(0);
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    if (id) {
        std::lock_guard lock(m_mutex);
        m_ids[{project, name}] = *id;
    }
    return id;
}

void ViewIds::forget(const std::string& project, const std::string& name) {
    std::lock_guard lock(m_mutex);
    m_ids.erase({project, name});
}

}  // namespace meridian::storage
