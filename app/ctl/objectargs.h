#pragma once
// How commands name registry objects (KIND NAME, NAME in the current project or PROJECT/NAME)
// and print the differences between two specs.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ctloptions.h"
#include "meridian/v1/registry.pb.h"
#include "registry/objectdiff.h"

namespace meridian::ctl {

// The help of a KIND argument, and its check.
extern const char* const kKindHelp;
CLI::Validator kindValidator();

// The object `kind` and `name` name: NAME in the current project, or PROJECT/NAME.
absl::StatusOr<v1::ObjectRef> objectRef(CtlOptions& options, const std::string& kind,
                                        const std::string& name);

// "added", "removed", "changed".
const char* fieldChangeWord(registry::FieldChange::Kind kind);
// A CHANGE / FIELD / BEFORE / AFTER table; `before` and `after` head the last two columns.
void printFieldChanges(const std::vector<registry::FieldChange>& changes,
                       const std::string& before = "BEFORE", const std::string& after = "AFTER");

}  // namespace meridian::ctl
