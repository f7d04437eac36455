#pragma once
// The search over the registry tree: an object (or project) matches when every word typed
// appears in its name, owner, tags or description; the projects and kind groups above a match
// stay visible (recursive filtering), and each group shows how many of its objects match.

#include <QSortFilterProxyModel>
#include <QStringList>

namespace meridian::ui {

class RegistryFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit RegistryFilterModel(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_words.join(QLatin1Char(' ')); }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList m_words;
};

}  // namespace meridian::ui
