#include "registry/registrydetailspane.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/regionchiprow.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

using console::ObjectKind;

QString kindName(ObjectKind kind) {
    switch (kind) {
        case ObjectKind::Project:
            return QObject::tr("Project");
        case ObjectKind::Entity:
            return QObject::tr("Entity");
        case ObjectKind::DataSource:
            return QObject::tr("Data source");
        case ObjectKind::FeatureView:
            return QObject::tr("Feature view");
        case ObjectKind::FeatureService:
            return QObject::tr("Feature service");
    }
    return {};
}

QString modeName(const QString& mode) {
    if (mode == QLatin1String("active_active"))
        return QObject::tr("Active-active: every listed region accepts writes");
    if (mode == QLatin1String("hub_spoke"))
        return QObject::tr("Hub and spoke: writes at the hub, spokes pull from it");
    if (mode == QLatin1String("batch"))
        return QObject::tr("Batch: offline partitions copied on a schedule");
    if (mode == QLatin1String("local") || mode.isEmpty())
        return QObject::tr("Local: never leaves its owner region");
    return mode;
}

// Labels shown in the header or the placement box rather than in the fields list.
bool shownElsewhere(const std::string& label) {
    static const char* const kLabels[] = {"Owner",     "Description",  "Residency",
                                          "Stored in", "Owner region", "Replication"};
    for (const char* l : kLabels) {
        if (label == l)
            return true;
    }
    return false;
}

// "a INT64, b STRING" as a two-column list, "x (all); y (a, b)" one per line, else as is.
QString fieldHtml(const QString& value) {
    if (value.contains(QLatin1String("; ")))
        return value.toHtmlEscaped().replace(QLatin1String("; "), QLatin1String("<br>"));
    static const QRegularExpression kTyped(QStringLiteral(R"(^(\S+) ([A-Z][A-Z0-9_]*)$)"));
    const QStringList parts = value.split(QStringLiteral(", "));
    if (parts.size() < 2 && !kTyped.match(value).hasMatch())
        return value.toHtmlEscaped();
    QString rows;
    for (const auto& part : parts) {
        const auto m = kTyped.match(part);
        if (!m.hasMatch())
            return value.toHtmlEscaped();
        rows +=
            QStringLiteral(
                "<tr><td style=\"padding-right:14px\"><tt>%1</tt></td>"
                "<td style=\"color:%2\">%3</td></tr>")
                .arg(m.captured(1).toHtmlEscaped(), Theme::muted().name(), m.captured(2).toLower());
    }
    return QStringLiteral("<table cellspacing=\"0\" cellpadding=\"1\">%1</table>").arg(rows);
}

}  // namespace

RegistryDetailsPane::RegistryDetailsPane(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(16, 14, 16, 14);
    m_empty = label(tr("Select an object in the tree to see its details, versions and spec."));
    m_empty->setAlignment(Qt::AlignCenter);
    outer->addWidget(m_empty);
    m_body = new QWidget(this);
    outer->addWidget(m_body);
    outer->addStretch(1);

    auto* layout = new QVBoxLayout(m_body);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    auto* header = new QHBoxLayout;
    header->setSpacing(10);
    m_icon = new QLabel(m_body);
    m_icon->setFixedSize(36, 36);
    header->addWidget(m_icon, 0, Qt::AlignTop);
    auto* titles = new QVBoxLayout;
    titles->setSpacing(2);
    m_title = label();
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setWeight(QFont::DemiBold);
    m_title->setFont(big);
    titles->addWidget(m_title);
    m_subtitle = label();
    titles->addWidget(m_subtitle);
    header->addLayout(titles, 1);
    layout->addLayout(header);

    m_description = label();
    layout->addWidget(m_description);

    m_meta = new QFormLayout;
    m_meta->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_meta->setHorizontalSpacing(18);
    m_meta->setVerticalSpacing(6);
    m_meta->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout->addLayout(m_meta);

    m_placement = new QGroupBox(tr("Where the data lives"), m_body);
    auto* placement = new QVBoxLayout(m_placement);
    placement->setSpacing(6);
    m_residency = label();
    m_residency->setTextFormat(Qt::RichText);
    placement->addWidget(m_residency);
    auto* replicationTitle = label(tr("<b>Replication</b>"));
    placement->addWidget(replicationTitle);
    m_replication = label();
    placement->addWidget(m_replication);
    m_replicas = new RegionChipRow(m_placement);
    placement->addWidget(m_replicas);
    placement->addWidget(label(tr("<b>Stored in</b> (replication within what residency allows)")));
    m_storing = new RegionChipRow(m_placement);
    placement->addWidget(m_storing);
    layout->addWidget(m_placement);

    m_fieldsBox = new QGroupBox(tr("Definition"), m_body);
    m_fields = new QFormLayout(m_fieldsBox);
    m_fields->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_fields->setHorizontalSpacing(18);
    m_fields->setVerticalSpacing(6);
    m_fields->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout->addWidget(m_fieldsBox);
    showEntry(nullptr);
}

QLabel* RegistryDetailsPane::label(const QString& text) {
    auto* l = new QLabel(text, this);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return l;
}

void RegistryDetailsPane::setJurisdictions(const QHash<QString, QString>& jurisdictions) {
    m_jurisdictions = jurisdictions;
}

QVector<lineagestyle::RegionChip> RegistryDetailsPane::chips(
    const std::vector<std::string>& regions) const {
    QVector<lineagestyle::RegionChip> out;
    for (const auto& r : regions) {
        const QString region = qs(r);
        const QString j = m_jurisdictions.value(region);
        out.push_back({j.isEmpty() ? region : QStringLiteral("%1 · %2").arg(region, j),
                       lineagestyle::cloudOf(region), j});
    }
    return out;
}

void RegistryDetailsPane::clearForm(QFormLayout* form) {
    while (form->rowCount() > 0)
        form->removeRow(0);
}

void RegistryDetailsPane::addRow(QFormLayout* form, const QString& name, const QString& value,
                                 bool mono) {
    auto* key = new QLabel(name, this);
    QPalette p = key->palette();
    p.setColor(QPalette::WindowText, Theme::muted());
    key->setPalette(p);
    auto* v = label(value);
    v->setTextFormat(mono ? Qt::PlainText : Qt::RichText);
    if (mono)
        v->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    form->addRow(key, v);
}

QString RegistryDetailsPane::titleText() const {
    return m_body->isHidden() ? QString() : m_title->text();
}

QString RegistryDetailsPane::residencyText() const {
    return m_placement->isHidden() ? QString() : m_residency->text();
}

int RegistryDetailsPane::fieldCount() const {
    return m_fields->rowCount();
}

void RegistryDetailsPane::showEntry(const console::RegistryEntry* e) {
    clearForm(m_meta);
    clearForm(m_fields);
    m_empty->setVisible(!e);
    m_body->setVisible(e);
    if (!e) {
        m_title->clear();
        return;
    }
    m_icon->setPixmap(ConsoleIcons::objectKind(e->kind).pixmap(36, 36));
    m_title->setText(qs(e->name));
    QString subtitle = QStringLiteral("%1 · <b>v%2</b>").arg(kindName(e->kind)).arg(e->version);
    if (!e->project.empty())
        subtitle += tr(" · project %1").arg(qs(e->project).toHtmlEscaped());
    if (e->deleted)
        subtitle += QStringLiteral(" · <span style=\"color:%1\"><b>%2</b></span>")
                        .arg(Theme::bad().name(), tr("deleted"));
    m_subtitle->setText(subtitle);
    m_description->setText(e->description.empty() ? tr("<i>No description.</i>")
                                                  : qs(e->description).toHtmlEscaped());

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    addRow(m_meta, tr("Owner"),
           e->owner.empty() ? tr("<i>nobody named</i>") : qs(e->owner).toHtmlEscaped());
    addRow(m_meta, tr("Owner region"), qs(e->ownerRegion).toHtmlEscaped());
    if (e->updatedAtMs > 0) {
        addRow(m_meta, tr("Updated"),
               tr("%1 (%2) by <b>%3</b>")
                   .arg(format::dateTime(e->updatedAtMs), format::age(e->updatedAtMs, now),
                        e->appliedBy.empty() ? tr("unknown") : qs(e->appliedBy).toHtmlEscaped()));
    }
    if (e->createdAtMs > 0)
        addRow(m_meta, tr("Created"), format::dateTime(e->createdAtMs));
    addRow(m_meta, tr("Spec hash"), qs(e->specHash), true);

    const bool view = e->kind == ObjectKind::FeatureView;
    m_placement->setVisible(view);
    if (view) {
        const QString residency = qs(e->residency);
        QString marker;
        QColor color;
        if (residency.startsWith(QLatin1String("jurisdiction "))) {
            const QString j = residency.mid(13);
            color = lineagestyle::jurisdictionColor(j, Theme::instance()->isDark());
            marker = tr("%1 ONLY").arg(j.toUpper()) + QStringLiteral("</b> — ") +
                     tr("data may be stored only in regions of jurisdiction %1").arg(j);
        } else if (residency.startsWith(QLatin1String("regions "))) {
            color = Theme::warning();
            marker = tr("RESTRICTED") + QStringLiteral("</b> — ") +
                     tr("data may be stored only in %1").arg(residency.mid(8).toHtmlEscaped());
        }
        if (!marker.isEmpty()) {
            m_residency->setText(QStringLiteral("<b>%1").arg(marker));
            m_residency->setStyleSheet(
                QStringLiteral("QLabel { color: %1; border: 1px solid %1; border-radius: 4px;"
                               " padding: 6px 8px; background: %2; }")
                    .arg(color.name(), QColor(color.red(), color.green(), color.blue(), 30)
                                           .name(QColor::HexArgb)));
        } else {
            m_residency->setText(tr("No residency restriction: any region may store it."));
            m_residency->setStyleSheet(QString());
        }
        QString replication = modeName(qs(e->replicationMode));
        for (const auto& [label, value] : e->fields) {
            if (label != "Replication")
                continue;
            const QString text = qs(value);
            static const QRegularExpression kHub(QStringLiteral(", hub ([^, ]+)"));
            static const QRegularExpression kEvery(QStringLiteral(", every (\\S+)"));
            if (const auto m = kHub.match(text); m.hasMatch())
                replication += tr("<br>Hub: <b>%1</b>").arg(m.captured(1));
            if (const auto m = kEvery.match(text); m.hasMatch())
                replication += tr("<br>Schedule: every <b>%1</b>").arg(m.captured(1));
        }
        m_replication->setText(replication);
        m_replicas->setChips(chips(e->replicationRegions));
        m_replicas->setVisible(!e->replicationRegions.empty());
        m_storing->setChips(chips(e->storingRegions));
    }

    for (const auto& [label, value] : e->fields) {
        if (shownElsewhere(label) || value.empty())
            continue;
        addRow(m_fields, qs(label), fieldHtml(qs(value)));
    }
    m_fieldsBox->setVisible(m_fields->rowCount() > 0);
}

}  // namespace meridian::ui
