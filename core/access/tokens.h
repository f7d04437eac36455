#pragma once
// Bearer tokens. A token reads "mrd_<id>_<secret>": the id (12 hex digits) finds its record,
// the secret (43 characters, 256 random bits) proves it. A region keeps only the record: the
// name and role, and an HMAC-SHA256 of the secret under a random salt of the record's own.
//
// The region's token file (YAML, readable by its owner only) holds the records. It is
// rewritten whole, through a temporary file and a rename, on every change.

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/admin.pb.h"

namespace meridian::access {

struct NewToken {
    std::string token;       // shown once, to whoever asked for it
    v1::TokenRecord record;  // what regions keep
};

// A fresh token for `name` in `role` (viewer, operator or admin). INVALID_ARGUMENT names a bad
// name or role.
absl::StatusOr<NewToken> makeToken(const std::string& name, v1::Role role,
                                   const std::string& createdBy, int64_t nowMs);

// A name a token may carry: 1–64 characters of letters, digits and . _ @ -
absl::Status checkPrincipalName(std::string_view name);

// The record without what proves the token (salt and hash): what listings show.
v1::TokenRecord publicPart(v1::TokenRecord record);

struct Verified {
    std::string name;
    v1::Role role = v1::ROLE_UNSPECIFIED;
    std::string id;
};

class TokenFile {
public:
    // Reads `path`; a missing file is an empty one (created on the first change). A file that
    // does not parse, or whose records are malformed, is an error naming the file and entry.
    static absl::StatusOr<std::unique_ptr<TokenFile>> open(std::string path);

    const std::string& path() const { return m_path; }

    // UNAUTHENTICATED with the reason (malformed, unknown, revoked, wrong) when it does not.
    // A token once verified is remembered until the next add or revoke, so that the HMAC is
    // computed once per token, not once per call.
    absl::StatusOr<Verified> verify(std::string_view token) const;

    // Adds a record made by makeToken (here or on another machine): ALREADY_EXISTS for a known
    // id, INVALID_ARGUMENT for a malformed record.
    absl::Status add(const v1::TokenRecord& record);
    // Revokes the token `id`, or every token of `name` still in force; NOT_FOUND when none is.
    absl::StatusOr<std::vector<v1::TokenRecord>> revoke(const std::string& id,
                                                        const std::string& name,
                                                        const std::string& by, int64_t nowMs);
    std::vector<v1::TokenRecord> list(bool includeRevoked) const;

private:
    explicit TokenFile(std::string path) : m_path(std::move(path)) {}
    absl::Status save(const std::vector<v1::TokenRecord>& records) const;

    std::string m_path;
    mutable std::shared_mutex m_mutex;
    std::vector<v1::TokenRecord> m_records;
    // Valid tokens only; std::less<> finds a token by string_view without a copy.
    mutable std::map<std::string, Verified, std::less<>> m_verified;
};

}  // namespace meridian::access
