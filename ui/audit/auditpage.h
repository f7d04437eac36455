#pragma once
// The Audit page: the audit logs of every region together, newest first — what everyone did
// and was refused, under the name their region authenticated them by. Filters by time window,
// principal, action, region and refusals, plus free text; Export writes the rows shown as CSV.
// Refreshed every kRefreshMs while visible. A second tab lists erasures (ErasuresPanel), and
// lets an admin erase an entity everywhere.

#include <QTimer>

#include "bridge/regionservice.h"
#include "common/page.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace meridian::ui {

class AuditFilterModel;
class AuditTableModel;
class ErasuresPanel;

class AuditPage : public Page {
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 10'000;

    explicit AuditPage(RegionService* service, QWidget* parent = nullptr);

    QString title() const override { return tr("Audit"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override { return m_haveEntries; }
    void setIdentity(const console::Identity& identity) override;
    QStringList views() const override { return {QStringLiteral("erasures")}; }
    void showView(const QString& view) override;

    AuditTableModel* model() const { return m_model; }
    AuditFilterModel* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QComboBox* principalBox() const { return m_principal; }
    QComboBox* actionBox() const { return m_action; }
    QComboBox* regionBox() const { return m_region; }
    QComboBox* windowBox() const { return m_window; }
    QCheckBox* deniedBox() const { return m_denied; }
    ErasuresPanel* erasures() const { return m_erasures; }
    QTabWidget* tabs() const { return m_tabs; }

    void refresh();
    // Writes the rows shown to `path`; false (and `error`) when the file cannot be written.
    bool exportCsv(const QString& path, QString* error = nullptr) const;

private:
    void onEntries(quint64 token, const QVector<console::AuditEntryInfo>& entries);
    void fillChoices(QComboBox* box, const QStringList& values);
    void updateSummary();
    void sizeColumns();
    void exportWithDialog();

    RegionService* m_service;
    AuditTableModel* m_model;
    AuditFilterModel* m_proxy;
    QTableView* m_view;
    QStackedWidget* m_stack;
    QLabel* m_summary;
    QComboBox* m_window;
    QComboBox* m_principal;
    QComboBox* m_action;
    QComboBox* m_region;
    QCheckBox* m_denied;
    QLineEdit* m_filter;
    QPushButton* m_export;
    QTabWidget* m_tabs;
    ErasuresPanel* m_erasures;
    QTimer m_timer;
    quint64 m_token = 0;
    bool m_haveEntries = false;
};

}  // namespace meridian::ui
