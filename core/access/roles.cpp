#include "access/roles.h"

#include <google/protobuf/descriptor.h>

#include "meridian/v1/admin.pb.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/replication.pb.h"
#include "meridian/v1/serving.pb.h"

namespace meridian::access {
namespace {

// The files whose services Meridian serves; naming one of their messages links it in, so
// that its descriptors are in the pool.
const google::protobuf::FileDescriptor* const kServiceFiles[] = {
    v1::HealthRequest::descriptor()->file(),
    v1::ApplyRequest::descriptor()->file(),
    v1::PullRequest::descriptor()->file(),
    v1::GetOnlineFeaturesRequest::descriptor()->file(),
};

}  // namespace

std::string roleName(v1::Role role) {
    switch (role) {
        case v1::ROLE_ANYONE:
            return "anyone";
        case v1::ROLE_VIEWER:
            return "viewer";
        case v1::ROLE_OPERATOR:
            return "operator";
        case v1::ROLE_ADMIN:
            return "admin";
        case v1::ROLE_PEER:
            return "peer";
        default:
            return "none";
    }
}

std::optional<v1::Role> tokenRoleFromName(std::string_view name) {
    if (name == "viewer")
        return v1::ROLE_VIEWER;
    if (name == "operator")
        return v1::ROLE_OPERATOR;
    if (name == "admin")
        return v1::ROLE_ADMIN;
    return std::nullopt;
}

absl::StatusOr<MethodRule> ruleOf(std::string_view fullMethodName) {
    const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
        std::string(fullMethodName));
    if (!method || method->service()->file()->package() != "meridian.v1")
        return absl::NotFoundError("'" + std::string(fullMethodName) +
                                   "' is not a method of Meridian's services");
    const auto& options = method->options();
    MethodRule rule;
    rule.required = options.GetExtension(v1::required_role);
    rule.peersAllowed = options.GetExtension(v1::peers_allowed);
    if (rule.required == v1::ROLE_UNSPECIFIED)
        return absl::InternalError("method '" + std::string(fullMethodName) +
                                   "' has no required_role in its .proto: refused to everyone");
    return rule;
}

std::vector<std::string> allMethods() {
    std::vector<std::string> out;
    for (const auto* file : kServiceFiles)
        for (int s = 0; s < file->service_count(); ++s)
            for (int m = 0; m < file->service(s)->method_count(); ++m)
                out.push_back(file->service(s)->method(m)->full_name());
    return out;
}

bool permits(v1::Role role, const MethodRule& rule) {
    if (rule.required == v1::ROLE_ANYONE)
        return true;
    if (role == v1::ROLE_PEER)
        return rule.required == v1::ROLE_PEER || rule.peersAllowed;
    if (rule.required == v1::ROLE_PEER || rule.required == v1::ROLE_UNSPECIFIED)
        return false;
    // viewer < operator < admin, in the enum's order.
    return role >= v1::ROLE_VIEWER && role <= v1::ROLE_ADMIN && role >= rule.required;
}

}  // namespace meridian::access
