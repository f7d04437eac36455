#include "service/authorizer.h"

#include <grpcpp/security/auth_context.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "replication/hybridclock.h"
#include "storage/audittable.h"

namespace meridian::service {
namespace {

constexpr int kAuditedRefusalsPerSecond = 20;  // a principal's
constexpr size_t kMaxFloods = 10'000;

std::string metadataValue(const grpc::ServerContextBase& context, const char* key) {
    const auto& md = context.client_metadata();
    auto it = md.find(key);
    if (it == md.end())
        return {};
    return std::string(it->second.data(), it->second.size());
}

// "Registry.Apply" from "meridian.v1.Registry.Apply".
std::string shortName(std::string_view method) {
    const auto dot = method.rfind('.');
    const auto prev = dot == std::string_view::npos ? dot : method.rfind('.', dot - 1);
    return std::string(prev == std::string_view::npos ? method : method.substr(prev + 1));
}

std::string withArticle(v1::Role role) {
    const std::string name = access::roleName(role);
    return (role == v1::ROLE_ADMIN || role == v1::ROLE_OPERATOR ? "an " : "a ") + name;
}

bool printable(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

}  // namespace

Authorizer::Authorizer(std::string region, std::unique_ptr<access::TokenFile> tokens,
                       std::vector<std::string> peerRegions, storage::Database& db)
    : m_region(std::move(region)),
      m_tokens(std::move(tokens)),
      m_peerRegions(std::move(peerRegions)),
      m_db(db) {
    for (const auto& method : access::allMethods()) {
        auto rule = access::ruleOf(method);
        if (rule.ok())
            m_rules.emplace(method, *rule);
        else
            std::fprintf(stderr, "meridian-store: %s\n",
                         std::string(rule.status().message()).c_str());
    }
}

const access::MethodRule* Authorizer::ruleFor(std::string_view method) {
    auto it = m_rules.find(method);
    return it == m_rules.end() ? nullptr : &it->second;
}

grpc::Status Authorizer::admit(const grpc::ServerContextBase& context, std::string_view method,
                               Caller* out, std::string_view target) {
    Caller caller;
    caller.requestId = metadataValue(context, "x-request-id");
    if (caller.requestId.empty() || caller.requestId.size() > 64 || !printable(caller.requestId))
        caller.requestId = m_region + "-" + std::to_string(++m_requestCounter);
    const auto* rule = ruleFor(method);
    if (!rule)
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            "no access rule for " + std::string(method) + ": refused");
    if (!m_tokens) {
        // No credentials required (loopback only): the principal is what the client claims.
        const std::string claimed = metadataValue(context, "x-meridian-principal");
        caller.principal = (claimed.empty() || claimed.size() > 64 || !printable(claimed))
                               ? "anonymous"
                               : claimed + " (unverified)";
        caller.role = v1::ROLE_ADMIN;
        caller.authenticatedBy = "none";
        if (out)
            *out = std::move(caller);
        return grpc::Status::OK;
    }
    const std::string authorization = metadataValue(context, "authorization");
    if (!authorization.empty()) {
        constexpr std::string_view kBearer = "Bearer ";
        if (authorization.size() <= kBearer.size() ||
            !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
            caller.principal = "unauthenticated";
            return refuse(grpc::StatusCode::UNAUTHENTICATED,
                          "the authorization header must read 'Bearer <token>'", caller, method,
                          target);
        }
        auto verified = m_tokens->verify(std::string_view(authorization).substr(kBearer.size()));
        if (!verified.ok()) {
            caller.principal = "unauthenticated";
            return refuse(grpc::StatusCode::UNAUTHENTICATED,
                          std::string(verified.status().message()) + ": ask an admin of '" +
                              m_region + "' for a token (meridianctl token create)",
                          caller, method, target);
        }
        caller.principal = verified->name;
        caller.role = verified->role;
        caller.authenticatedBy = "token " + verified->id;
    } else if (const auto auth = context.auth_context(); auth && auth->IsPeerAuthenticated()) {
        // A region of the deployment, by the certificate the handshake checked.
        for (const auto& identity : auth->GetPeerIdentity()) {
            const std::string name(identity.data(), identity.size());
            if (std::find(m_peerRegions.begin(), m_peerRegions.end(), name) !=
                m_peerRegions.end()) {
                caller.principal = name;
                caller.role = v1::ROLE_PEER;
                caller.authenticatedBy = "certificate " + name;
                break;
            }
        }
    }
    if (caller.role == v1::ROLE_UNSPECIFIED) {
        if (rule->required == v1::ROLE_ANYONE) {
            caller.principal = "anonymous";
            if (out)
                *out = std::move(caller);
            return grpc::Status::OK;
        }
        caller.principal = "unauthenticated";
        return refuse(grpc::StatusCode::UNAUTHENTICATED,
                      "region '" + m_region +
                          "' requires a token: give meridianctl --token or set MERIDIAN_TOKEN (an "
                          "admin makes one with 'meridianctl token create')",
                      caller, method, target);
    }
    if (!access::permits(caller.role, *rule)) {
        const std::string what =
            caller.role == v1::ROLE_PEER
                ? caller.principal + " is a peer region, which may only replicate"
                : caller.principal + " is " + withArticle(caller.role);
        return refuse(
            grpc::StatusCode::PERMISSION_DENIED,
            what + "; " + shortName(method) + " needs " +
                (rule->required == v1::ROLE_PEER ? std::string("a peer region's certificate")
                                                 : withArticle(rule->required)),
            caller, method, target);
    }
    if (out)
        *out = std::move(caller);
    return grpc::Status::OK;
}

grpc::Status Authorizer::refuse(grpc::StatusCode code, const std::string& message,
                                const Caller& caller, std::string_view method,
                                std::string_view target) {
    (code == grpc::StatusCode::UNAUTHENTICATED ? m_unauthenticated : m_denied).fetch_add(1);
    const int64_t now = replication::wallClockMs();
    int64_t skipped = 0;
    {
        std::lock_guard lock(m_floodMutex);
        if (m_floods.size() > kMaxFloods && !m_floods.count(caller.principal))
            m_floods.clear();
        auto& flood = m_floods[caller.principal];
        if (now - flood.windowMs >= 1000) {
            flood.windowMs = now;
            flood.audited = 0;
        }
        if (flood.audited >= kAuditedRefusalsPerSecond) {
            ++flood.skipped;
            return grpc::Status(code, message);
        }
        ++flood.audited;
        skipped = std::exchange(flood.skipped, 0);
    }
    storage::AuditEntry entry{
        .atMs = now,
        .principal = caller.principal,
        .action = shortName(method),
        .target = std::string(target),
        .result = (code == grpc::StatusCode::UNAUTHENTICATED ? "UNAUTHENTICATED: "
                                                             : "PERMISSION_DENIED: ") +
                  message,
        .requestId = caller.requestId,
        .denied = true};
    // Written without waiting: a refusal costs the caller no fsync.
    m_db.submit(
        [entry = std::move(entry), skipped, now](storage::Connection& conn) -> absl::Status {
            storage::AuditTable audit(conn);
            if (skipped > 0) {
                if (auto st = audit.record({.atMs = now,
                                            .principal = entry.principal,
                                            .action = "refusals",
                                            .target = "",
                                            .result = std::to_string(skipped) +
                                                      " more refused calls, counted but not "
                                                      "itemized (over 20 a second)",
                                            .requestId = "",
                                            .denied = true});
                    !st.ok())
                    return st;
            }
            return audit.record(entry);
        },
        [](const absl::Status&) {});
    return grpc::Status(code, message);
}

void Authorizer::noteWrite(const Caller& caller, const std::string& view, int64_t rows,
                           int64_t nowMs) {
    std::lock_guard lock(m_writesMutex);
    auto& t = m_writes[{nowMs / 60'000, caller.principal, view}];
    if (t.requests++ == 0)
        t.firstMs = nowMs;
    t.rows += rows;
    t.lastMs = nowMs;
    t.lastRequestId = caller.requestId;
}

void Authorizer::flushWrites(int64_t nowMs, bool all) {
    std::vector<storage::AuditEntry> entries;
    {
        std::lock_guard lock(m_writesMutex);
        const int64_t thisMinute = nowMs / 60'000;
        for (auto it = m_writes.begin(); it != m_writes.end();) {
            const auto& [minute, principal, view] = it->first;
            if (!all && minute >= thisMinute) {
                ++it;
                continue;
            }
            const auto& t = it->second;
            entries.push_back({.atMs = t.lastMs,
                               .principal = principal,
                               .action = "write_rows",
                               .target = view,
                               .result = std::to_string(t.rows) + " rows in " +
                                         std::to_string(t.requests) + " requests over " +
                                         std::to_string((t.lastMs - t.firstMs) / 1000) + " s",
                               .requestId = t.lastRequestId,
                               .denied = false});
            it = m_writes.erase(it);
        }
    }
    if (entries.empty())
        return;
    auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
        storage::AuditTable audit(conn);
        for (const auto& e : entries)
            if (auto st = audit.record(e); !st.ok())
                return st;
        return absl::OkStatus();
    });
    if (!st.ok())
        std::fprintf(stderr, "meridian-store: audit of row writes failed: %s\n",
                     std::string(st.message()).c_str());
}

void Authorizer::record(const Caller& caller, const std::string& action, const std::string& target,
                        const std::string& result) {
    storage::AuditEntry entry{.atMs = replication::wallClockMs(),
                              .principal = caller.principal,
                              .action = action,
                              .target = target,
                              .result = result,
                              .requestId = caller.requestId};
    auto st = m_db.write(
        [&](storage::Connection& conn) { return storage::AuditTable(conn).record(entry); });
    if (!st.ok())
        std::fprintf(stderr, "meridian-store: audit of %s by %s failed: %s\n", action.c_str(),
                     caller.principal.c_str(), std::string(st.message()).c_str());
}

}  // namespace meridian::service
