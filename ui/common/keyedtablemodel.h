#pragma once
// A table model whose rows have a stable key (a link, a feature view): a new set of rows is
// merged in place, so that selections, sorting and scroll positions survive a refresh. Rows
// that went away are removed, rows that stay are updated, new ones are appended.

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QString>
#include <QVector>

#include <vector>

namespace meridian::ui {

class KeyedTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // `ids[i]` is the key of `rows[i]`; `idOf(row)` gives the key of an incoming row.
    // `incoming` is any container of rows (std::vector, QVector).
    template <typename Row, typename Incoming, typename IdFn>
    void mergeRows(QVector<QString>& ids, QVector<Row>& rows, const Incoming& incoming, IdFn idOf) {
        QSet<QString> keep;
        for (const auto& r : incoming)
            keep.insert(idOf(r));
        // From the bottom, so that indexes stay valid.
        for (int row = static_cast<int>(ids.size()) - 1; row >= 0; --row) {
            if (keep.contains(ids[row]))
                continue;
            beginRemoveRows({}, row, row);
            ids.removeAt(row);
            rows.removeAt(row);
            endRemoveRows();
        }
        QHash<QString, int> existing;
        for (int row = 0; row < ids.size(); ++row)
            existing.insert(ids[row], row);
        QVector<Row> added;
        for (const auto& r : incoming) {
            const auto it = existing.find(idOf(r));
            if (it != existing.end())
                rows[*it] = r;
            else
                added.push_back(r);
        }
        if (!existing.isEmpty())
            emit dataChanged(index(0, 0),
                             index(static_cast<int>(existing.size()) - 1, columnCount() - 1));
        if (!added.isEmpty()) {
            const int first = static_cast<int>(rows.size());
            beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
            for (const auto& r : added) {
                ids.push_back(idOf(r));
                rows.push_back(r);
            }
            endInsertRows();
        }
    }
};

}  // namespace meridian::ui
