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
    // A new id exists only if its transaction commits: a rollback takes it out of the cache.
    if (writer.changes() > 0)
        writer.onRollback([this, project, name] { forget(project, name); });
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
    if (auto st = q.finish(); !st.ok())
        return st;
    if (id) {
        std::lock_guard lock(m_mutex);
        m_ids[{project, name}] = *id;
        m_names[*id] = {project, name};
    }
    return id;
}

absl::StatusOr<std::pair<std::string, std::string>> ViewIds::nameOf(Connection& conn, int64_t id) {
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_names.find(id); it != m_names.end())
            return it->second;
    }
    auto& q = conn.prepare("SELECT project, name FROM views WHERE id = ?");
    q.bind(1, id);
    std::optional<std::pair<std::string, std::string>> found;
    if (q.step())
        found.emplace(std::string(q.text(0)), std::string(q.text(1)));
    if (auto st = q.finish(); !st.ok())
        return st;
    if (!found)
        return absl::NotFoundError("no feature view has id " + std::to_string(id));
    std::lock_guard lock(m_mutex);
    m_ids[*found] = id;
    m_names[id] = *found;
    return *found;
}

void ViewIds::forget(const std::string& project, const std::string& name) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_ids.find({project, name}); it != m_ids.end()) {
        m_names.erase(it->second);
        m_ids.erase(it);
    }
}

}  // namespace meridian::storage
