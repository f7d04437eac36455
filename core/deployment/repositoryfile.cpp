#include "deployment/repositoryfile.h"

#include <fstream>
#include <sstream>

#include "deployment/yamljson.h"

namespace meridian::deployment {

absl::StatusOr<v1::FeatureRepository> parseRepository(const std::string& text,
                                                      const std::string& name) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::ParserException& e) {
        return absl::InvalidArgumentError(name + ":" + std::to_string(e.mark.line + 1) + ": " +
                                          e.msg);
    }
    v1::FeatureRepository repository;
    bool any = false;
    int projectLine = 0;
    for (const auto& doc : documents) {
        if (doc.IsNull())
            continue;
        v1::FeatureRepository part;
        if (auto st = yamlToMessage(doc, part, name); !st.ok())
            return st;
        // Merging would keep the later project's fields over the earlier one's.
        if (part.has_project()) {
            const int line = doc["project"].Mark().line + 1;
            if (projectLine > 0)
                return absl::InvalidArgumentError(
                    name + ":" + std::to_string(line) + ": project: given twice (first on line " +
                    std::to_string(projectLine) + "); list several under 'projects'");
            projectLine = line;
        }
        repository.MergeFrom(part);
        any = true;
    }
    if (!any)
        return absl::InvalidArgumentError(name + ": the file declares nothing");
    return repository;
}

absl::StatusOr<v1::FeatureRepository> loadRepositoryFile(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return absl::NotFoundError("cannot read feature repository file '" + path + "'");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseRepository(buffer.str(), path);
}

}  // namespace meridian::deployment
