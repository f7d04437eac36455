#pragma once
// Strings between core/ (std::string, UTF-8) and the widgets (QString), spelled one way in all
// of ui/.

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace meridian::ui {

inline QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

inline QStringList qsList(const std::vector<std::string>& strings) {
    QStringList list;
    list.reserve(static_cast<qsizetype>(strings.size()));
    for (const auto& s : strings)
        list << qs(s);
    return list;
}

inline std::vector<std::string> stdStrings(const QStringList& strings) {
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(strings.size()));
    for (const auto& s : strings)
        out.push_back(s.toStdString());
    return out;
}

}  // namespace meridian::ui
