#include "deployment/repositoryfile.h"

#include <yaml-cpp/eventhandler.h>

#include <fstream>
#include <sstream>

#include "deployment/yamljson.h"

namespace meridian::deployment {

namespace {

// Records where each document starts, and nothing else.
class DocumentStarts : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

    YAML::Mark start = YAML::Mark::null_mark();
};

// The line of a document yaml-cpp cannot get past (0: none). yaml-cpp 0.7's LoadAll loops for
// ever on a document that begins with a token no document may begin with (a ',' after a
// finished document, for one), making empty documents until memory runs out
// (tests/fuzz/fuzz_repository found it): walk the documents first and stop where one starts
// at the same place as the one before.
int stuckDocument(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    int previous = -1;
    while (true) {
        DocumentStarts starts;
        if (!parser.HandleNextDocument(starts))
            return 0;
        if (starts.start.pos == previous)
            return starts.start.line + 1;
        previous = starts.start.pos;
    }
}

}  // namespace

absl::StatusOr<v1::FeatureRepository> parseRepository(const std::string& text,
                                                      const std::string& name) {
    std::vector<YAML::Node> documents;
    try {
        if (const int line = stuckDocument(text); line > 0)
            return absl::InvalidArgumentError(name + ":" + std::to_string(line) +
                                              ": no document can start here (a ',' outside "
                                              "brackets?)");
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
