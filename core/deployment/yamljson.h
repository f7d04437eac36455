#pragma once
// YAML documents to protobuf messages, through protobuf's JSON mapping: the YAML is checked
// against the message's descriptor first (unknown fields, enum names, shapes) so that errors
// carry the line and field path, then converted to JSON and parsed.

#include <google/protobuf/message.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "absl/status/status.h"

namespace meridian::deployment {

absl::Status yamlToMessage(const YAML::Node& node, google::protobuf::Message& message,
                           const std::string& sourceName);

}  // namespace meridian::deployment
