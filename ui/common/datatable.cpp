#include "common/datatable.h"

#include <QHeaderView>
#include <QTableView>

namespace meridian::ui {

QTableView* makeDataTable(QAbstractItemModel* model, const QString& objectName, QWidget* parent,
                          const DataTableOptions& options) {
    auto* view = new QTableView(parent);
    if (!objectName.isEmpty())
        view->setObjectName(objectName);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(options.selection);
    view->setWordWrap(false);
    view->setTextElideMode(options.elide);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setStretchLastSection(options.stretchLastColumn);
    if (options.look == DataTableOptions::Look::Listing) {
        view->setSortingEnabled(true);
        view->setAlternatingRowColors(true);
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
        view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    } else {
        view->setEditTriggers(QAbstractItemView::NoEditTriggers);
        view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        view->setShowGrid(false);
    }
    view->setModel(model);
    return view;
}

}  // namespace meridian::ui
