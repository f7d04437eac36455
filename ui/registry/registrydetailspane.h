#pragma once
// Everything a governance reviewer asks about one registry object: kind, name, version, owner,
// owner region, when and by whom it was last applied, its spec hash and description, its fields,
// and for a feature view where its data may live (replication, residency, storing regions as
// chips, with a restricted residency such as EU-only marked).

#include <QHash>
#include <QWidget>

#include "console/consoledata.h"
#include "lineage/lineagestyle.h"

class QFormLayout;
class QGroupBox;
class QLabel;

namespace meridian::ui {

class RegionChipRow;

class RegistryDetailsPane : public QWidget {
    Q_OBJECT

public:
    explicit RegistryDetailsPane(QWidget* parent = nullptr);

    // Region name -> jurisdiction, for chips and the residency marker.
    void setJurisdictions(const QHash<QString, QString>& jurisdictions);
    // nullptr shows a hint instead.
    void showEntry(const console::RegistryEntry* entry);

    // For tests and screenshots.
    QString titleText() const;
    QString residencyText() const;
    int fieldCount() const;
    const RegionChipRow* storingChips() const { return m_storing; }

private:
    QLabel* label(const QString& text = {});
    void addRow(QFormLayout* form, const QString& name, const QString& value, bool mono = false);
    void clearForm(QFormLayout* form);
    QVector<lineagestyle::RegionChip> chips(const std::vector<std::string>& regions) const;

    QHash<QString, QString> m_jurisdictions;
    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_subtitle;
    QLabel* m_description;
    QFormLayout* m_meta;
    QGroupBox* m_placement;
    QLabel* m_replication;
    RegionChipRow* m_replicas;
    QLabel* m_residency;
    RegionChipRow* m_storing;
    QGroupBox* m_fieldsBox;
    QFormLayout* m_fields;
    QLabel* m_empty;
    QWidget* m_body;
};

}  // namespace meridian::ui
