#pragma once
// Protobuf messages stored as blobs in a query's first column, parsed as they are read. A blob
// that does not parse is data loss, and the error names what it should have been.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

// `what` names the message in the error: "stored <what> does not parse".
template <typename Message>
absl::StatusOr<Message> parseStored(std::string_view blob, std::string_view what) {
    Message m;
    if (!m.ParseFromArray(blob.data(), static_cast<int>(blob.size())))
        return absl::DataLossError("stored " + std::string(what) + " does not parse");
    return m;
}

// Every row's message, in the query's order.
template <typename Message>
absl::StatusOr<std::vector<Message>> readMessages(Statement& q, std::string_view what) {
    std::vector<Message> out;
    while (q.step()) {
        auto m = parseStored<Message>(q.blob(0), what);
        if (!m.ok()) {
            q.reset();
            return m.status();
        }
        out.push_back(std::move(*m));
    }
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

// The first row's message, or none when the query has no rows (a lookup by key).
template <typename Message>
absl::StatusOr<std::optional<Message>> readFirstMessage(Statement& q, std::string_view what) {
    std::optional<Message> out;
    if (q.step()) {
        auto m = parseStored<Message>(q.blob(0), what);
        if (!m.ok()) {
            q.reset();
            return m.status();
        }
        out = std::move(*m);
    }
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

}  // namespace meridian::storage
