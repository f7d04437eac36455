#include "overview/regioncard.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

constexpr int kAccentWidth = 5;

}  // namespace

RegionCard::RegionCard(const console::RegionStatus& region, QWidget* parent)
    : QFrame(parent), m_name(qs(region.name)) {
    setObjectName(QStringLiteral("card:") + m_name);
    setAccessibleName(tr("Region %1").arg(m_name));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_icon = new QLabel(this);
    m_icon->setPixmap(ConsoleIcons::cloud(qs(region.cloud)).pixmap(22, 22));
    m_title = new QLabel(m_name, this);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_health = new QLabel(this);
    m_health->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_place = new QLabel(this);
    m_role = new QLabel(this);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* header = new QHBoxLayout;
    header->setSpacing(6);
    header->addWidget(m_icon);
    header->addWidget(m_title, 1);
    header->addWidget(m_health);

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(2);
    auto figure = [&](int row, int column, const QString& caption) {
        auto* c = new QLabel(caption, this);
        auto* v = new QLabel(QStringLiteral("—"), this);
        QFont f = v->font();
        f.setBold(true);
        v->setFont(f);
        m_captions << c;
        grid->addWidget(c, row * 2, column);
        grid->addWidget(v, row * 2 + 1, column);
        return v;
    };
    m_online = figure(0, 0, tr("Online rows"));
    m_offline = figure(0, 1, tr("Offline rows"));
    m_latency = figure(0, 2, tr("Serving p99"));
    m_writes = figure(1, 0, tr("Writes"));
    m_writes->setToolTip(tr("Rows written per second, last minute"));
    m_reads = figure(1, 1, tr("Reads"));
    m_reads->setToolTip(tr("Entity rows served per second, last minute"));
    m_uptime = figure(1, 2, tr("Up since"));
    m_database = figure(2, 0, tr("Database"));
    m_database->setToolTip(tr("Size of the region's database file"));
    m_wal = figure(2, 1, tr("Write-ahead log"));
    m_changelog = figure(2, 2, tr("Changelog"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(kAccentWidth + 10, 8, 10, 10);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addWidget(m_place);
    layout->addWidget(m_role);
    layout->addSpacing(4);
    layout->addLayout(grid);
    layout->addWidget(m_error);

    setStatus(region, 0);
}

QSize RegionCard::sizeHint() const {
    return {280, QFrame::sizeHint().height()};
}

QString RegionCard::healthText() const {
    if (!m_polled)
        return tr("Connecting…");
    return m_up ? tr("Up") : tr("Down: %1").arg(m_error->text());
}

void RegionCard::setStatus(const console::RegionStatus& region, qint64 nowMs) {
    m_polled = nowMs > 0;
    m_up = region.up;
    QString place = qs(region.cloud) + QStringLiteral(" · ") + qs(region.providerRegion);
    if (!region.jurisdiction.empty())
        place += QStringLiteral(" · ") + tr("jurisdiction %1").arg(qs(region.jurisdiction));
    m_place->setText(place);
    QString role = qs(region.role);
    if (role == QLatin1String("control")) {
        role = tr("Control region");
        m_role->setToolTip(tr("Holds the authoritative registry; other regions keep replicas"));
    } else if (role == QLatin1String("replica")) {
        role = tr("Replica");
        m_role->setToolTip(tr("Keeps a read-only replica of the registry"));
    }
    m_role->setText(role + QStringLiteral(" · ") + qs(region.endpoint));
    m_health->setText(!m_polled ? tr("● connecting") : m_up ? tr("● up") : tr("● down"));
    m_error->setText(qs(region.error));
    m_error->setToolTip(qs(region.error));
    m_error->setVisible(m_polled && !region.error.empty() && region.error != "not polled yet");
    const bool live = m_polled && m_up;
    m_online->setText(live ? format::count(region.onlineRows) : QStringLiteral("—"));
    m_offline->setText(live ? format::count(region.offlineRows) : QStringLiteral("—"));
    // No reads in the last minute: no latency to speak of.
    m_latency->setText(live && (region.servingP99Ms > 0 || region.readRate > 0)
                           ? format::lagMs(region.servingP99Ms)
                           : QStringLiteral("—"));
    m_writes->setText(live ? format::rate(region.writeRate) : QStringLiteral("—"));
    m_reads->setText(live ? format::rate(region.readRate) : QStringLiteral("—"));
    m_uptime->setText(live && region.startedAtMs > 0 ? format::age(region.startedAtMs, nowMs)
                                                     : QStringLiteral("—"));
    m_database->setText(live ? format::bytes(region.dbBytes) : QStringLiteral("—"));
    m_wal->setText(live ? format::bytes(region.walBytes) : QStringLiteral("—"));
    m_wal->setToolTip(
        tr("Commits not yet copied into the database file; checkpoints keep it "
           "small, and it is truncated past its limit"));
    m_changelog->setText(live ? format::bytes(region.changelogBytes) : QStringLiteral("—"));
    m_changelog->setToolTip(
        tr("Changes kept for peers to pull (estimated), trimmed to its retention of %1")
            .arg(format::bytes(region.changelogLimitBytes)));
    applyColors();
    update();
}

void RegionCard::applyColors() {
    const QColor state = !m_polled ? Theme::muted() : m_up ? Theme::good() : Theme::bad();
    auto color = [](QLabel* label, const QColor& c) {
        QPalette p = label->palette();
        p.setColor(QPalette::WindowText, c);
        label->setPalette(p);
    };
    color(m_health, state);
    color(m_error, Theme::bad());
    color(m_place, Theme::muted());
    color(m_role, Theme::muted());
    for (auto* c : m_captions)
        color(c, Theme::muted());
}

void RegionCard::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        applyColors();
    QFrame::changeEvent(event);
}

void RegionCard::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const QColor state = !m_polled ? Theme::muted() : m_up ? Theme::good() : Theme::bad();
    QColor border = palette().color(QPalette::Mid);
    if (m_polled && !m_up)
        border = Theme::bad();
    p.setPen(QPen(border, m_polled && !m_up ? 1.5 : 1));
    QColor base = palette().color(QPalette::Base);
    if (m_polled && !m_up) {
        QColor tint = Theme::bad();
        tint.setAlpha(Theme::instance()->isDark() ? 40 : 22);
        p.setBrush(base);
        p.drawRoundedRect(r, 6, 6);
        p.setBrush(tint);
    } else {
        p.setBrush(base);
    }
    p.drawRoundedRect(r, 6, 6);
    // The accent strip down the left edge, clipped to the rounded card.
    QPainterPath clip;
    clip.addRoundedRect(r, 6, 6);
    p.setClipPath(clip);
    p.fillRect(QRectF(r.left(), r.top(), kAccentWidth, r.height()), state);
}

}  // namespace meridian::ui
