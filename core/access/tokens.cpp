#include "access/tokens.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>

#include "access/roles.h"

namespace meridian::access {
namespace {

constexpr std::string_view kPrefix = "mrd_";
constexpr size_t kIdHexChars = 12;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;

std::string hex(const unsigned char* data, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out(2 * n, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    return out;
}

bool isHex(std::string_view s) {
    return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

absl::StatusOr<std::string> randomBytes(size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        return absl::InternalError("the system's random generator failed (OpenSSL RAND_bytes)");
    return out;
}

std::string base64url(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (char& c : out)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

// HMAC-SHA256 of the secret under the salt (both as stored: the salt in hex, the secret as the
// token spells it), in hex.
std::string hmacOf(std::string_view saltHex, std::string_view secret) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), saltHex.data(), static_cast<int>(saltHex.size()),
         reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), mac, &len);
    return hex(mac, len);
}

struct Parsed {
    std::string_view id;
    std::string_view secret;
};

std::optional<Parsed> parse(std::string_view token) {
    if (token.substr(0, kPrefix.size()) != kPrefix)
        return std::nullopt;
    token.remove_prefix(kPrefix.size());
    const auto sep = token.find('_');
    if (sep != kIdHexChars)
        return std::nullopt;
    Parsed p{token.substr(0, sep), token.substr(sep + 1)};
    if (!isHex(p.id) || p.secret.size() < 32 || p.secret.size() > 128)
        return std::nullopt;
    return p;
}

absl::Status checkRecord(const v1::TokenRecord& r) {
    if (r.id().size() != kIdHexChars || !isHex(r.id()))
        return absl::InvalidArgumentError("token id '" + r.id() + "' is not 12 hex digits");
    if (auto st = checkPrincipalName(r.name()); !st.ok())
        return st;
    if (r.role() != v1::ROLE_VIEWER && r.role() != v1::ROLE_OPERATOR && r.role() != v1::ROLE_ADMIN)
        return absl::InvalidArgumentError("token " + r.id() + " has role '" + roleName(r.role()) +
                                          "': a token is a viewer, operator or admin");
    if (r.salt().size() != 2 * kSaltBytes || !isHex(r.salt()))
        return absl::InvalidArgumentError("token " + r.id() + " has no valid salt (32 hex digits)");
    if (r.hmac_sha256().size() != 64 || !isHex(r.hmac_sha256()))
        return absl::InvalidArgumentError("token " + r.id() +
                                          " has no valid hmac_sha256 (64 hex digits)");
    return absl::OkStatus();
}

}  // namespace

absl::Status checkPrincipalName(std::string_view name) {
    if (name.empty() || name.size() > 64)
        return absl::InvalidArgumentError("a token's name must be 1 to 64 characters (got " +
                                          std::to_string(name.size()) + ")");
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
        if (!ok)
            return absl::InvalidArgumentError(
                "token name '" + std::string(name) +
                "' may hold only letters, digits and . _ @ - (the person or service it is for)");
    }
    return absl::OkStatus();
}

absl::StatusOr<NewToken> makeToken(const std::string& name, v1::Role role,
                                   const std::string& createdBy, int64_t nowMs) {
    if (auto st = checkPrincipalName(name); !st.ok())
        return st;
    auto id = randomBytes(kIdHexChars / 2);
    auto secretBytes = randomBytes(kSecretBytes);
    auto salt = randomBytes(kSaltBytes);
    if (!id.ok() || !secretBytes.ok() || !salt.ok())
        return absl::InternalError("the system's random generator failed (OpenSSL RAND_bytes)");
    NewToken out;
    const std::string secret = base64url(*secretBytes);
    auto& r = out.record;
    r.set_id(hex(reinterpret_cast<const unsigned char*>(id->data()), id->size()));
    r.set_name(name);
    r.set_role(role);
    r.set_salt(hex(reinterpret_cast<const unsigned char*>(salt->data()), salt->size()));
    r.set_hmac_sha256(hmacOf(r.salt(), secret));
    r.set_created_at(nowMs);
    r.set_created_by(createdBy);
    if (auto st = checkRecord(r); !st.ok())
        return st;
    out.token = std::string(kPrefix) + r.id() + "_" + secret;
    return out;
}

v1::TokenRecord publicPart(v1::TokenRecord record) {
    record.clear_salt();
    record.clear_hmac_sha256();
    return record;
}

absl::StatusOr<std::unique_ptr<TokenFile>> TokenFile::open(std::string path) {
    std::unique_ptr<TokenFile> file(new TokenFile(path));
    std::ifstream in(path);
    if (!in)
        return file;  // none yet: no tokens
    YAML::Node root;
    try {
        root = YAML::Load(in);
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError(path + ": not a token file: " + e.what());
    }
    if (!root || root.IsNull())
        return file;
    if (!root.IsMap() || (root["tokens"] && !root["tokens"].IsSequence()))
        return absl::InvalidArgumentError(path + ": a token file holds 'tokens:', a list");
    int index = 0;
    for (const auto& node : root["tokens"]) {
        ++index;
        v1::TokenRecord r;
        try {
            r.set_id(node["id"].as<std::string>(""));
            r.set_name(node["name"].as<std::string>(""));
            r.set_role(
                tokenRoleFromName(node["role"].as<std::string>("")).value_or(v1::ROLE_UNSPECIFIED));
            r.set_salt(node["salt"].as<std::string>(""));
            r.set_hmac_sha256(node["hmac_sha256"].as<std::string>(""));
            r.set_created_at(node["created_at"].as<int64_t>(0));
            r.set_created_by(node["created_by"].as<std::string>(""));
            r.set_revoked_at(node["revoked_at"].as<int64_t>(0));
            r.set_revoked_by(node["revoked_by"].as<std::string>(""));
        } catch (const YAML::Exception& e) {
            return absl::InvalidArgumentError(path + ": token " + std::to_string(index) + ": " +
                                              e.what());
        }
        if (auto st = checkRecord(r); !st.ok())
            return absl::InvalidArgumentError(path + ": token " + std::to_string(index) + ": " +
                                              std::string(st.message()));
        file->m_records.push_back(std::move(r));
    }
    return file;
}

absl::StatusOr<Verified> TokenFile::verify(std::string_view token) const {
    {
        std::shared_lock lock(m_mutex);
        if (auto it = m_verified.find(token); it != m_verified.end())
            return it->second;
    }
    const auto parsed = parse(token);
    if (!parsed)
        return absl::UnauthenticatedError(
            "the token is malformed: a Meridian token reads mrd_<12 hex digits>_<secret>");
    std::unique_lock lock(m_mutex);
    for (const auto& r : m_records) {
        if (r.id() != parsed->id)
            continue;
        const std::string mac = hmacOf(r.salt(), parsed->secret);
        if (mac.size() != r.hmac_sha256().size() ||
            CRYPTO_memcmp(mac.data(), r.hmac_sha256().data(), mac.size()) != 0)
            return absl::UnauthenticatedError("token " + r.id() + " is not valid here");
        if (r.revoked_at() != 0)
            return absl::UnauthenticatedError("token " + r.id() + " (" + r.name() +
                                              ") was revoked by " + r.revoked_by());
        Verified verified{r.name(), r.role(), r.id()};
        m_verified.emplace(std::string(token), verified);
        return verified;
    }
    return absl::UnauthenticatedError("token " + std::string(parsed->id) +
                                      " is not known to this region");
}

absl::Status TokenFile::add(const v1::TokenRecord& record) {
    if (auto st = checkRecord(record); !st.ok())
        return st;
    std::unique_lock lock(m_mutex);
    for (const auto& r : m_records)
        if (r.id() == record.id())
            return absl::AlreadyExistsError("a token with id " + record.id() + " exists");
    auto next = m_records;
    next.push_back(record);
    next.back().set_revoked_at(0);
    next.back().clear_revoked_by();
    if (auto st = save(next); !st.ok())
        return st;
    m_records = std::move(next);
    m_verified.clear();
    return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::TokenRecord>> TokenFile::revoke(const std::string& id,
                                                               const std::string& name,
                                                               const std::string& by,
                                                               int64_t nowMs) {
    if (id.empty() == name.empty())
        return absl::InvalidArgumentError("revoke a token by its id or every token of a name");
    std::unique_lock lock(m_mutex);
    auto next = m_records;
    std::vector<v1::TokenRecord> revoked;
    for (auto& r : next) {
        if (r.revoked_at() != 0 || (id.empty() ? r.name() != name : r.id() != id))
            continue;
        r.set_revoked_at(nowMs);
        r.set_revoked_by(by);
        revoked.push_back(publicPart(r));
    }
    if (revoked.empty())
        return absl::NotFoundError(id.empty() ? "no token of '" + name + "' is in force"
                                              : "no token " + id + " is in force");
    if (auto st = save(next); !st.ok())
        return st;
    m_records = std::move(next);
    m_verified.clear();
    return revoked;
}

std::vector<v1::TokenRecord> TokenFile::list(bool includeRevoked) const {
    std::shared_lock lock(m_mutex);
    std::vector<v1::TokenRecord> out;
    for (const auto& r : m_records)
        if (includeRevoked || r.revoked_at() == 0)
            out.push_back(publicPart(r));
    return out;
}

absl::Status TokenFile::save(const std::vector<v1::TokenRecord>& records) const {
    YAML::Emitter out;
    out << YAML::Comment(
               "meridian-store bearer tokens: HMAC-SHA256 hashes of their secrets, never the "
               "tokens. Managed with meridianctl token; readable by the store's user only.")
        << YAML::Newline;
    out << YAML::BeginMap << YAML::Key << "tokens" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : records) {
        out << YAML::BeginMap;
        out << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << r.id();
        out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << r.name();
        out << YAML::Key << "role" << YAML::Value << roleName(r.role());
        out << YAML::Key << "salt" << YAML::Value << YAML::DoubleQuoted << r.salt();
        out << YAML::Key << "hmac_sha256" << YAML::Value << YAML::DoubleQuoted << r.hmac_sha256();
        out << YAML::Key << "created_at" << YAML::Value << r.created_at();
        out << YAML::Key << "created_by" << YAML::Value << YAML::DoubleQuoted << r.created_by();
        out << YAML::Key << "revoked_at" << YAML::Value << r.revoked_at();
        out << YAML::Key << "revoked_by" << YAML::Value << YAML::DoubleQuoted << r.revoked_by();
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    const std::string text = std::string(out.c_str()) + "\n";
    const std::string tmp = m_path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return absl::PermissionDeniedError("cannot write " + tmp + ": " + std::strerror(errno));
    ::fchmod(fd, 0600);
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            return absl::InternalError("cannot write " + tmp + ": " + std::strerror(err));
        }
        done += static_cast<size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || std::rename(tmp.c_str(), m_path.c_str()) != 0)
        return absl::InternalError("cannot replace " + m_path + ": " + std::strerror(errno));
    return absl::OkStatus();
}

}  // namespace meridian::access
