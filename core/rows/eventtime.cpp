#include "rows/eventtime.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <regex>

#include "registry/validation.h"

namespace meridian::rows {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
const std::string kExpected =
    "expected ISO-8601 such as 2026-11-26T09:00:00Z or milliseconds since the epoch";

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct CivilDate {
    int64_t year;
    unsigned month;
    unsigned day;
};

CivilDate civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned daysInMonth(int64_t year, unsigned month) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

int toInt(const std::string& digits) {
    return digits.empty() ? 0 : std::stoi(digits);
}

absl::Status notATime(std::string_view text, const std::string& why) {
    return absl::InvalidArgumentError("'" + std::string(text) + "' is not a time: " + why);
}

absl::StatusOr<int64_t> parseEpochMs(std::string_view text) {
    int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end)
        return notATime(text, kExpected);
    if (value < kSmallestEpochMs)
        return notATime(text,
                        "it looks like seconds since the epoch (before 1973 as milliseconds); "
                        "expected milliseconds such as " +
                            std::to_string(value * 1000));
    return value;
}

absl::StatusOr<int64_t> parseIso(std::string_view text) {
    static const std::regex kIso(
        R"(^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)"
        R"((Z|z|[+-]\d{2}(?::?\d{2})?)?)?$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, kIso))
        return notATime(text, kExpected);
    const int64_t year = toInt(m[1].str());
    const int month = toInt(m[2].str());
    const int day = toInt(m[3].str());
    if (month < 1 || month > 12)
        return notATime(text, "month must be 01 to 12");
    if (day < 1 || day > static_cast<int>(daysInMonth(year, month)))
        return notATime(text, "day " + m[3].str() + " does not exist in month " + m[2].str());
    const bool hasTime = m[4].matched;
    const int hour = toInt(m[4].str());
    const int minute = toInt(m[5].str());
    const int second = toInt(m[6].str());
    if (hour > 23 || minute > 59 || second > 59)
        return notATime(text, "hour, minute or second out of range (00:00:00 to 23:59:59)");
    if (hasTime && !m[8].matched)
        return notATime(text, "it has no time zone; add Z for UTC or an offset such as +01:00");
    int millis = 0;
    if (m[7].matched) {
        std::string frac = m[7].str().substr(0, 3);
        frac.resize(3, '0');
        millis = toInt(frac);
    }
    int64_t offsetMinutes = 0;
    const std::string zone = m[8].str();
    if (!zone.empty() && zone != "Z" && zone != "z") {
        std::string digits;
        for (char c : zone.substr(1))
            if (c != ':')
                digits += c;
        const int oh = toInt(digits.substr(0, 2));
        const int om = digits.size() > 2 ? toInt(digits.substr(2)) : 0;
        if (oh > 23 || om > 59)
            return notATime(text, "offset " + zone + " is out of range");
        offsetMinutes = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    const int64_t days =
        daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const int64_t seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offsetMinutes * 60;
    return seconds * 1000 + millis;
}

}  // namespace

absl::StatusOr<int64_t> parseTimestamp(std::string_view text) {
    if (text.empty())
        return absl::InvalidArgumentError("the time is empty: " + kExpected);
    std::string_view digits = text;
    if (digits.front() == '-')
        digits.remove_prefix(1);
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos)
        return parseEpochMs(text);
    return parseIso(text);
}

absl::StatusOr<int64_t> parseTimeArgument(std::string_view text, int64_t nowMs) {
    if (text == "now")
        return nowMs;
    std::string_view offset = text;
    if (offset.starts_with("now"))
        offset.remove_prefix(3);
    if (!offset.empty() && (offset[0] == '-' || offset[0] == '+') && offset.size() > 1 &&
        offset.find_first_not_of("0123456789", 1) == offset.size() - 1) {
        const long long seconds = registry::parseDurationSeconds(offset.substr(1));
        if (seconds < 0)
            return notATime(text, "expected an offset from now such as -24h, -15m, +1d or -90s");
        return nowMs + (offset[0] == '-' ? -1 : 1) * seconds * 1000;
    }
    auto t = parseTimestamp(text);
    if (!t.ok() && t.status().message().find(kExpected) != std::string_view::npos)
        return notATime(text,
                        "expected ISO-8601 (2026-11-26T09:00:00Z), epoch milliseconds, "
                        "now, or an offset from now such as -24h");
    return t;
}

std::string formatTimestamp(int64_t ms) {
    int64_t days = ms / kMsPerDay;
    int64_t rest = ms % kMsPerDay;
    if (rest < 0) {
        rest += kMsPerDay;
        --days;
    }
    const CivilDate date = civilFromDays(days);
    const int64_t secondsOfDay = rest / 1000;
    const int millis = static_cast<int>(rest % 1000);
    char buffer[48];
    const int n = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                                static_cast<long long>(date.year), date.month, date.day,
                                static_cast<long long>(secondsOfDay / 3600),
                                static_cast<long long>(secondsOfDay / 60 % 60),
                                static_cast<long long>(secondsOfDay % 60));
    std::string out(buffer, static_cast<size_t>(n));
    if (millis != 0) {
        std::snprintf(buffer, sizeof buffer, ".%03d", millis);
        out += buffer;
    }
    return out + "Z";
}

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace meridian::rows
