#include "texttable.h"

#include <algorithm>

namespace meridian::ctl {

size_t displayWidth(const std::string& text) {
    size_t width = 0;
    for (unsigned char c : text)
        width += (c & 0xC0) != 0x80;
    return width;
}

TextTable::TextTable(std::vector<std::string> headers)
    : m_headers(std::move(headers)), m_right(m_headers.size(), false) {}

void TextTable::alignRight(size_t column) {
    if (column < m_right.size())
        m_right[column] = true;
}

void TextTable::addRow(std::vector<std::string> cells) {
    cells.resize(m_headers.size());
    m_rows.push_back(std::move(cells));
}

std::string TextTable::render() const {
    std::vector<size_t> widths(m_headers.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], displayWidth(row[c]));
    };
    measure(m_headers);
    for (const auto& row : m_rows)
        measure(row);

    std::string out;
    auto line = [&](const std::vector<std::string>& row) {
        std::string text;
        for (size_t c = 0; c < row.size(); ++c) {
            const size_t pad = widths[c] - displayWidth(row[c]);
            const bool last = c + 1 == row.size();
            if (c > 0)
                text += "  ";
            if (m_right[c]) {
                text.append(pad, ' ');
                text += row[c];
            } else {
                text += row[c];
                if (!last)
                    text.append(pad, ' ');
            }
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out += text + "\n";
    };
    line(m_headers);
    for (const auto& row : m_rows)
        line(row);
    return out;
}

void TextTable::print(std::FILE* out) const {
    const std::string text = render();
    std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace meridian::ctl
