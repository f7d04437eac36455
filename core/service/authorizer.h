#pragma once
// Every call is authorized before it does anything: who the caller is (a bearer token, else
// the client certificate of a region of the deployment), and whether their role may call the
// method (its meridian.v1.required_role). A refusal — UNAUTHENTICATED or PERMISSION_DENIED —
// changes nothing, is counted, and is written to the region's audit log.
//
// A region without a token file requires no credentials: every caller may do everything and
// its principal is what it claims (x-meridian-principal), marked unverified. That is allowed
// on loopback addresses only (see StoreConfig).

#include <grpcpp/server_context.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "access/roles.h"
#include "access/tokens.h"
#include "storage/database.h"

namespace meridian::service {

struct Caller {
    std::string principal;
    v1::Role role = v1::ROLE_UNSPECIFIED;
    std::string authenticatedBy;  // "token <id>", "certificate <name>", "none"
    std::string requestId;
};

class Authorizer {
public:
    // `tokens` null: no credentials required. `peerRegions`: the regions whose certificates
    // make a caller a peer.
    Authorizer(std::string region, std::unique_ptr<access::TokenFile> tokens,
               std::vector<std::string> peerRegions, storage::Database& db);

    // OK and the caller when it may call `method` ("meridian.v1.Registry.Apply"); otherwise the
    // refusal, counted and audited, with `target` (what the call was about) when given.
    grpc::Status admit(const grpc::ServerContextBase& context, std::string_view method,
                       Caller* caller = nullptr, std::string_view target = {});

    // Writes an allowed state-changing call to the audit log (outside any other transaction).
    void record(const Caller& caller, const std::string& action, const std::string& target,
                const std::string& result);
    // Row writes are audited as one entry per principal and view a minute ("write_rows: 1,200
    // rows in 40 requests"), not one per request: a pipeline writing all day would otherwise
    // drown every other entry. noteWrite counts an acknowledged write; flushWrites records the
    // minutes that have ended (all of them when `all`).
    void noteWrite(const Caller& caller, const std::string& view, int64_t rows, int64_t nowMs);
    void flushWrites(int64_t nowMs, bool all = false);

    bool credentialsRequired() const { return m_tokens != nullptr; }
    access::TokenFile* tokens() { return m_tokens.get(); }
    int64_t unauthenticatedCalls() const { return m_unauthenticated.load(); }
    int64_t deniedCalls() const { return m_denied.load(); }

private:
    grpc::Status refuse(grpc::StatusCode code, const std::string& message, const Caller& caller,
                        std::string_view method, std::string_view target);
    const access::MethodRule* ruleFor(std::string_view method);

    std::string m_region;
    std::unique_ptr<access::TokenFile> m_tokens;
    std::vector<std::string> m_peerRegions;
    storage::Database& m_db;
    // Filled at construction; std::less<> finds a method by string_view without a copy.
    std::map<std::string, access::MethodRule, std::less<>> m_rules;
    std::atomic<int64_t> m_unauthenticated{0};
    std::atomic<int64_t> m_denied{0};
    std::atomic<uint64_t> m_requestCounter{0};
    // Refusals are audited one by one up to a rate; beyond it they are counted and the count
    // is written with the next refusal audited, so that a flood cannot fill the disk.
    // Per principal ("unauthenticated" for all without a valid credential), so that one
    // caller's flood cannot hide another's attempts.
    struct Flood {
        int64_t windowMs = 0;
        int audited = 0;
        int64_t skipped = 0;
    };
    std::mutex m_floodMutex;
    std::unordered_map<std::string, Flood> m_floods;  // cleared past kMaxFloods principals

    struct WriteTally {
        int64_t rows = 0;
        int64_t requests = 0;
        int64_t firstMs = 0;
        int64_t lastMs = 0;
        std::string lastRequestId;
    };
    std::mutex m_writesMutex;
    // (minute, principal, view) -> what was written
    std::map<std::tuple<int64_t, std::string, std::string>, WriteTally> m_writes;
};

}  // namespace meridian::service
