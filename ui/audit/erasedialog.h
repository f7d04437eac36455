#pragma once
// "Erase an entity": the entity's join keys (and, optionally, the views), a preview of what
// every region holds of it, then a confirmation naming what will be erased where before the
// erasure starts. The erasure itself is followed on the Audit page's Erasures tab.

#include <QDialog>

#include "bridge/regionservice.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace meridian::ui {

class RegionErasureModel;

class EraseDialog : public QDialog {
    Q_OBJECT

public:
    explicit EraseDialog(RegionService* service, QWidget* parent = nullptr);

    // For tests: the widgets an operator uses, and what the confirmation says.
    QLineEdit* entityEdit() const { return m_entity; }
    QLineEdit* viewsEdit() const { return m_views; }
    QPushButton* previewButton() const { return m_previewButton; }
    QPushButton* eraseButton() const { return m_eraseButton; }
    RegionErasureModel* previewModel() const { return m_model; }
    QString confirmationText() const;
    QString statusText() const;
    // Tests answer the confirmation themselves: with this set, erase() asks no question.
    void setConfirmed(bool confirmed) { m_preConfirmed = confirmed; }

signals:
    // The erasure started (its coordinator erased its own copy).
    void started(const meridian::console::ErasureJobInfo& job);

private:
    void preview();
    void erase();
    void onPreview(quint64 token, const console::ErasurePreview& preview);
    void onStarted(quint64 token, const console::ErasureJobInfo& job);
    void onFailed(quint64 token, const QString& what, const QString& message);
    QStringList views() const;

    RegionService* m_service;
    QLineEdit* m_entity;
    QLineEdit* m_views;
    QPushButton* m_previewButton;
    QPushButton* m_eraseButton;
    QTableView* m_table;
    RegionErasureModel* m_model;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    quint64 m_previewToken = 0;
    quint64 m_eraseToken = 0;
    console::ErasurePreview m_preview;
    QString m_previewedEntity;  // the entity text the preview answers
    QStringList m_previewedViews;
    bool m_preConfirmed = false;
};

}  // namespace meridian::ui
