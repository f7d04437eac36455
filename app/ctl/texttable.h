#pragma once
// A plain-text table for terminals: a header row and aligned columns whose widths come from
// the widest cell, counted in characters rather than bytes.

#include <cstdio>
#include <string>
#include <vector>

namespace meridian::ctl {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> headers);

    // Numbers read better aligned to the right.
    void alignRight(size_t column);
    void addRow(std::vector<std::string> cells);
    size_t rowCount() const { return m_rows.size(); }
    bool empty() const { return m_rows.empty(); }

    // Columns two spaces apart, no trailing blanks.
    std::string render() const;
    void print(std::FILE* out = stdout) const;

private:
    std::vector<std::string> m_headers;
    std::vector<bool> m_right;
    std::vector<std::vector<std::string>> m_rows;
};

// Characters in UTF-8 text: bytes that do not continue a multi-byte sequence.
size_t displayWidth(const std::string& text);

}  // namespace meridian::ctl
