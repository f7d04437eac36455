#include "serving/featureselection.h"

#include <map>

namespace meridian::serving {
namespace {

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

}  // namespace

absl::StatusOr<std::vector<v1::JoinKey>> joinKeysOf(const registry::Catalog& catalog,
                                                    const v1::FeatureView& view) {
    std::vector<v1::JoinKey> keys;
    for (const auto& name : view.entities()) {
        const auto* entity = catalog.entity(view.project(), name);
        if (!entity)
            return absl::FailedPreconditionError("feature view " + quoted(view.name()) +
                                                 " refers to missing entity " + quoted(name));
        keys.insert(keys.end(), entity->join_keys().begin(), entity->join_keys().end());
    }
    return keys;
}

absl::StatusOr<FeatureSelection> selectFeatures(const registry::Catalog& catalog,
                                                const std::string& project,
                                                const std::string& service,
                                                const std::vector<std::string>& refs) {
    if (project.empty())
        return absl::InvalidArgumentError("project is missing");
    if (!catalog.project(project))
        return absl::NotFoundError("project " + quoted(project) + " not found");

    // (view, feature or "*") pairs in answer order.
    std::vector<std::pair<std::string, std::string>> wanted;
    if (!service.empty()) {
        const auto* fs = catalog.featureService(project, service);
        if (!fs)
            return absl::NotFoundError("feature service " + quoted(service) +
                                       " not found in project " + quoted(project));
        for (const auto& p : fs->features()) {
            if (p.features().empty())
                wanted.emplace_back(p.feature_view(), "*");
            for (const auto& f : p.features())
                wanted.emplace_back(p.feature_view(), f);
        }
    } else {
        if (refs.empty())
            return absl::InvalidArgumentError(
                "no features asked for: give a feature service or feature references");
        for (const auto& ref : refs) {
            const auto colon = ref.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size())
                return absl::InvalidArgumentError("feature reference " + quoted(ref) +
                                                  " is not of the form view:feature");
            wanted.emplace_back(ref.substr(0, colon), ref.substr(colon + 1));
        }
    }

    FeatureSelection sel;
    std::map<std::string, size_t> viewSlot;
    std::map<std::string, bool> columnSeen;
    auto addColumn = [&](SelectedView& sv, int featureIndex) -> absl::Status {
        std::string name = sv.view->name() + ":" + sv.view->features(featureIndex).name();
        if (columnSeen[name])
            return absl::InvalidArgumentError("feature " + quoted(name) + " asked for twice");
        columnSeen[name] = true;
        sv.features.push_back(featureIndex);
        sv.columns.push_back(static_cast<int>(sel.columnNames.size()));
        sel.columnNames.push_back(std::move(name));
        return absl::OkStatus();
    };
    for (const auto& [viewName, feature] : wanted) {
        const auto* view = catalog.featureView(project, viewName);
        if (!view)
            return absl::NotFoundError("feature view " + quoted(viewName) +
                                       " not found in project " + quoted(project));
        auto it = viewSlot.find(viewName);
        if (it == viewSlot.end()) {
            SelectedView sv;
            sv.view = view;
            auto keys = joinKeysOf(catalog, *view);
            if (!keys.ok())
                return keys.status();
            sv.joinKeys = std::move(*keys);
            it = viewSlot.emplace(viewName, sel.views.size()).first;
            sel.views.push_back(std::move(sv));
        }
        SelectedView& sv = sel.views[it->second];
        if (feature == "*") {
            for (int i = 0; i < view->features_size(); ++i) {
                if (auto st = addColumn(sv, i); !st.ok())
                    return st;
            }
            continue;
        }
        int index = -1;
        for (int i = 0; i < view->features_size(); ++i) {
            if (view->features(i).name() == feature)
                index = i;
        }
        if (index < 0)
            return absl::NotFoundError("feature view " + quoted(viewName) + " has no feature " +
                                       quoted(feature));
        if (auto st = addColumn(sv, index); !st.ok())
            return st;
    }
    return sel;
}

absl::StatusOr<std::vector<std::optional<int64_t>>> storedViewIds(const FeatureSelection& selection,
                                                                  storage::ViewIds& ids,
                                                                  storage::Connection& conn) {
    std::vector<std::optional<int64_t>> out;
    out.reserve(selection.views.size());
    for (const auto& sv : selection.views) {
        auto id = ids.find(conn, sv.view->project(), sv.view->name());
        if (!id.ok())
            return id.status();
        out.push_back(*id);
    }
    return out;
}

absl::Status storedRowError(const SelectedView& view, std::string_view problem) {
    return absl::DataLossError("stored row of feature view '" + view.view->name() + "' " +
                               std::string(problem));
}

}  // namespace meridian::serving
