#pragma once
// The console's tables of records (links, jobs, costs, alerts, versions, changes), set up one
// way on every page: whole rows selected, no row numbers, one line a cell, header sections that
// do not light up with the selection.

#include <QAbstractItemView>
#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace meridian::ui {

// Where a page's table differs from the others.
struct DataTableOptions {
    enum class Look {
        // Replication, Costs, Alerts: sorted by a click on a header, striped rows one text line
        // high, columns the user widens, scrolled by the pixel.
        Listing,
        // The Registry's history: no sorting, no stripes, no grid, read-only, headers aligned
        // left.
        Plain,
    };
    Look look = Look::Listing;
    QAbstractItemView::SelectionMode selection = QAbstractItemView::ExtendedSelection;
    Qt::TextElideMode elide = Qt::ElideRight;
    bool stretchLastColumn = true;
};

// A table showing `model`, named `objectName` (for tests and screenshots; may be empty).
QTableView* makeDataTable(QAbstractItemModel* model, const QString& objectName, QWidget* parent,
                          const DataTableOptions& options = {});

}  // namespace meridian::ui
