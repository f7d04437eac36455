#include "ctlformat.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>

#include "console/consoleconvert.h"
#include "console/linkfigures.h"
#include "registry/valuetypes.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

// The JSON printer writes enum constants ("LINK_STATE_STREAMING"); scripts read a link's state
// by the name the tables show, as when the state was a string on the wire.
void nameLinkStates(std::string& json) {
    const std::string key = "\"state\": \"";
    const std::string constant = key + "LINK_STATE_";
    for (size_t pos = json.find(constant); pos != std::string::npos;
         pos = json.find(constant, pos)) {
        const size_t begin = pos + key.size();
        const size_t end = json.find('"', begin);
        v1::LinkState state = v1::LINK_STATE_UNSPECIFIED;
        v1::LinkState_Parse(json.substr(begin, end - begin), &state);
        json.replace(begin, end - begin, linkStateName(state));
    }
}

}  // namespace

std::string jsonOf(const google::protobuf::Message& message) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    std::string out;
    if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok())
        return "{}";
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    nameLinkStates(out);
    return out;
}

void printJson(const google::protobuf::Message& message) {
    const std::string text = jsonOf(message) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string indented(std::string text, int spaces) {
    const std::string pad(static_cast<size_t>(spaces), ' ');
    for (size_t pos = text.find('\n'); pos != std::string::npos; pos = text.find('\n', pos + 1))
        text.insert(pos + 1, pad);
    return text;
}

std::string formatTime(int64_t ms) {
    return ms == 0 ? "-" : rows::formatTimestamp(ms);
}

std::string formatDuration(int64_t seconds) {
    if (seconds != 0 && seconds % 86400 == 0)
        return std::to_string(seconds / 86400) + "d";
    if (seconds != 0 && seconds % 3600 == 0)
        return std::to_string(seconds / 3600) + "h";
    if (seconds != 0 && seconds % 60 == 0)
        return std::to_string(seconds / 60) + "m";
    return std::to_string(seconds) + "s";
}

std::string formatElapsed(int64_t ms) {
    const int64_t s = ms / 1000;
    if (s < 60)
        return std::to_string(s) + "s";
    if (s < 3600)
        return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
    if (s < 86400)
        return std::to_string(s / 3600) + "h " + std::to_string(s / 60 % 60) + "m";
    return std::to_string(s / 86400) + "d " + std::to_string(s / 3600 % 24) + "h";
}

std::string formatCount(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string formatBytes(int64_t bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int unit = 0;
    while (v >= 1024 && unit < 4) {
        v /= 1024;
        ++unit;
    }
    return unit == 0 ? std::to_string(bytes) + " B" : formatFixed(v, 1) + " " + units[unit];
}

std::string formatFixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string formatHlc(uint64_t hlc) {
    if (hlc == 0)
        return "-";
    const auto ms = static_cast<int64_t>(hlc >> 16);
    const auto logical = static_cast<unsigned>(hlc & 0xffff);
    return rows::formatTimestamp(ms) + " +" + std::to_string(logical);
}

std::string formatValue(const v1::Value& value) {
    if (value.val_case() == v1::Value::kUnixTimestampVal)
        return rows::formatTimestamp(value.unix_timestamp_val());
    return registry::valueToString(value);
}

std::string ellipsize(const std::string& text, size_t width) {
    if (width == 0 || displayWidth(text) <= width)
        return text;
    // Keep width - 1 characters, then the ellipsis.
    size_t chars = 0;
    size_t cut = 0;
    for (; cut < text.size(); ++cut) {
        if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80 && chars++ == width - 1)
            break;
    }
    return text.substr(0, cut) + "…";
}

std::string shortHash(const std::string& hash) {
    return hash.substr(0, 12);
}

std::string actionName(v1::ApplyResult::Action action) {
    switch (action) {
        case v1::ApplyResult::CREATED:
            return "created";
        case v1::ApplyResult::UPDATED:
            return "updated";
        case v1::ApplyResult::UNCHANGED:
            return "unchanged";
        default:
            return "?";
    }
}

std::string linkStateName(v1::LinkState state) {
    return console::linkStateName(console::fromWire(state));
}

double lagSeconds(const v1::LinkStats& link) {
    return console::lagSeconds(console::toLink(link));
}

}  // namespace meridian::ctl
