#pragma once
// Roles and what each may call. A method's required role is an option on the method in the
// .proto files (meridian.v1.required_role), so the rule sits beside the method it guards.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "meridian/v1/access.pb.h"

namespace meridian::access {

// "viewer", "operator", "admin", "peer"; "anyone" for ROLE_ANYONE.
std::string roleName(v1::Role role);
// The roles a token may carry: viewer, operator, admin.
std::optional<v1::Role> tokenRoleFromName(std::string_view name);

struct MethodRule {
    v1::Role required = v1::ROLE_UNSPECIFIED;
    bool peersAllowed = false;
};

// The rule of a method by its full name ("meridian.v1.Registry.Apply"), from its descriptor;
// NOT_FOUND for a method that is not Meridian's, INTERNAL for one without a rule.
absl::StatusOr<MethodRule> ruleOf(std::string_view fullMethodName);

// The full names of every method of Meridian's services (for the tests that try them all).
std::vector<std::string> allMethods();

// Whether a principal of `role` may call a method under `rule`: viewer ⊂ operator ⊂ admin;
// a peer only what names peers.
bool permits(v1::Role role, const MethodRule& rule);

}  // namespace meridian::access
