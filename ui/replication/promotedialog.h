#pragma once
// "Promote…": moves the hub of a hub-and-spoke view to another region. The dialog states the
// loss window first — the old hub's changes the chosen region has not applied, asked of the
// old hub or taken from its last report — and promotes only when the operator agrees; then it
// says which regions promised the new epoch and when the new hub takes writes.

#include <QDialog>

#include "bridge/regionservice.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace meridian::ui {

class PromoteDialog : public QDialog {
    Q_OBJECT

public:
    PromoteDialog(RegionService* service, const DeploymentSnapshot& layout,
                  const console::HubInfo& hub, QWidget* parent = nullptr);

    // For tests: the widgets an operator uses, and what the dialog says.
    QComboBox* regionBox() const { return m_to; }
    QPushButton* promoteButton() const { return m_promote; }
    QString lossText() const;
    QString resultText() const;
    bool isPlanned() const { return m_planned; }
    bool isDone() const { return m_done; }

signals:
    // The promotion ran (whether or not a majority promised).
    void promoted(const meridian::console::PromotionInfo& report);

private:
    void plan();
    void promote();
    void onPromoted(quint64 token, const console::PromotionInfo& report);
    void onFailed(quint64 token, const QString& what, const QString& message);

    RegionService* m_service;
    console::HubInfo m_hub;
    QComboBox* m_to;
    QLabel* m_loss;
    QLabel* m_result;
    QPushButton* m_promote;
    quint64 m_planToken = 0;
    quint64 m_promoteToken = 0;
    bool m_planned = false;
    bool m_done = false;
};

}  // namespace meridian::ui
