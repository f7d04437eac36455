#include "window/mainwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

#include "alerts/alertspage.h"
#include "audit/auditpage.h"
#include "bridge/deploymentmonitor.h"
#include "bridge/grpcregionservice.h"
#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "costs/costspage.h"
#include "lineage/lineagepage.h"
#include "overview/overviewpage.h"
#include "registry/registrypage.h"
#include "replication/replicationpage.h"
#include "routing/routingpage.h"
#include "window/accesscontroller.h"

namespace meridian::ui {
namespace {

constexpr int kNavWidth = 190;
const QSize kDefaultSize(1440, 900);

QString settingsKeyTheme() {
    return QStringLiteral("view/theme");
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    ConsoleIcons::initResources();
    setWindowIcon(ConsoleIcons::app());
    setWindowTitle(tr("Meridian"));
    setMinimumSize(960, 640);

    m_nav = new QListWidget(this);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setFixedWidth(kNavWidth);
    m_nav->setIconSize(QSize(22, 22));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setSpacing(2);
    m_nav->setAccessibleName(tr("Pages"));
    QFont navFont = m_nav->font();
    navFont.setPointSizeF(navFont.pointSizeF() * 1.08);
    m_nav->setFont(navFont);
    m_pages = new QStackedWidget(this);
    m_workspace = new QWidget(this);
    auto* row = new QHBoxLayout(m_workspace);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(m_nav);
    auto* rule = new QFrame(m_workspace);
    rule->setFrameShape(QFrame::VLine);
    rule->setFrameShadow(QFrame::Plain);
    rule->setForegroundRole(QPalette::Mid);
    row->addWidget(rule);
    row->addWidget(m_pages, 1);

    m_welcome = buildWelcome();
    m_frame = new QStackedWidget(this);
    m_frame->addWidget(m_welcome);
    m_frame->addWidget(m_workspace);
    setCentralWidget(m_frame);

    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= m_pages->count())
            return;
        m_pages->setCurrentIndex(row);
        statusBar()->clearMessage();  // the last page's news is not this page's
        if (auto* page = currentPage())
            page->activate();
    });

    m_connectionDot = new QLabel(this);
    m_connection = new QLabel(this);
    m_identity = new QLabel(this);
    m_identity->setObjectName(QStringLiteral("identity"));
    m_connection->setObjectName(QStringLiteral("connectionState"));
    statusBar()->addPermanentWidget(m_identity);
    statusBar()->addPermanentWidget(m_connectionDot);
    statusBar()->addPermanentWidget(m_connection);
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_statusTimer.start();

    buildMenus();
    restoreSettings();
    updateStatus();
}

MainWindow::~MainWindow() {
    closeDeployment();
}

QWidget* MainWindow::buildWelcome() {
    auto* w = new QWidget(this);
    auto* icon = new QLabel(w);
    icon->setPixmap(ConsoleIcons::app().pixmap(72, 72));
    icon->setAlignment(Qt::AlignCenter);
    auto* title = new QLabel(tr("Meridian"), w);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 2);
    f.setBold(true);
    title->setFont(f);
    title->setAlignment(Qt::AlignCenter);
    auto* text = new QLabel(tr("Open a deployment file to watch its regions, or start the local "
                               "demo with <code>meridian --demo</code>."),
                            w);
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    auto* open = new QPushButton(tr("Open deployment…"), w);
    connect(open, &QPushButton::clicked, this, &MainWindow::chooseDeployment);
    m_welcomeMessage = new QLabel(w);
    m_welcomeMessage->setAlignment(Qt::AlignCenter);
    m_welcomeMessage->setWordWrap(true);
    m_welcomeMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_welcomeRecent = new QListWidget(w);
    m_welcomeRecent->setMaximumWidth(560);
    m_welcomeRecent->setMaximumHeight(160);
    connect(m_welcomeRecent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { openDeployment(item->data(Qt::UserRole).toString()); });

    auto* column = new QVBoxLayout;
    column->addStretch(2);
    column->addWidget(icon);
    column->addWidget(title);
    column->addWidget(text);
    column->addSpacing(12);
    column->addWidget(open, 0, Qt::AlignHCenter);
    column->addSpacing(12);
    column->addWidget(m_welcomeMessage);
    column->addWidget(m_welcomeRecent, 0, Qt::AlignHCenter);
    column->addStretch(3);
    auto* outer = new QHBoxLayout(w);
    outer->addStretch(1);
    outer->addLayout(column, 3);
    outer->addStretch(1);
    return w;
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open deployment…"), this, &MainWindow::chooseDeployment);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    m_changeToken = file->addAction(tr("Change &token…"), this, [this] {
        if (m_access)
            m_access->changeToken();
    });
    m_changeToken->setEnabled(false);
    m_changeToken->setToolTip(tr("Give another token for this deployment's regions"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    auto* view = menuBar()->addMenu(tr("&View"));
    m_themeGroup = new QActionGroup(this);
    m_light = view->addAction(tr("&Light palette"));
    m_dark = view->addAction(tr("&Dark palette"));
    for (auto* a : {m_light, m_dark}) {
        a->setCheckable(true);
        m_themeGroup->addAction(a);
    }
    connect(m_light, &QAction::triggered, this, [this] { setTheme(Theme::Mode::Light); });
    connect(m_dark, &QAction::triggered, this, [this] { setTheme(Theme::Mode::Dark); });

    // Ctrl+1…9 and Ctrl+PgUp/PgDn work whichever widget has focus.
    m_goMenu = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < 9; ++i) {
        auto* a = new QAction(this);
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, [this, i] { showPage(i); });
        addAction(a);
        a->setVisible(false);
        m_goMenu->addAction(a);
        m_pageActions << a;
    }
    m_goMenu->addSeparator();
    auto* next = m_goMenu->addAction(tr("&Next page"), this, [this] {
        if (m_pages->count() > 0)
            showPage((m_pages->currentIndex() + 1) % m_pages->count());
    });
    next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageDown));
    auto* previous = m_goMenu->addAction(tr("&Previous page"), this, [this] {
        if (m_pages->count() > 0)
            showPage((m_pages->currentIndex() + m_pages->count() - 1) % m_pages->count());
    });
    previous->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageUp));

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Meridian"), this, [this] {
        QMessageBox::about(this, tr("About Meridian"),
                           tr("<b>Meridian %1</b><br>Multi-region, multi-cloud feature store "
                              "console.<br><br>World map: Natural Earth (public domain).")
                               .arg(QApplication::applicationVersion()));
    });
    rebuildRecent();
}

void MainWindow::restoreSettings() {
    QSettings settings;
    const QString theme = settings.value(settingsKeyTheme(), QStringLiteral("light")).toString();
    setTheme(theme == QLatin1String("dark") ? Theme::Mode::Dark : Theme::Mode::Light);
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        resize(kDefaultSize);
        if (const QScreen* screen = QApplication::primaryScreen()) {
            const QRect available = screen->availableGeometry();
            resize(kDefaultSize.boundedTo(available.size() * 0.92));
            move(available.center() - rect().center());
        }
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_restorePage = settings.value(QStringLiteral("window/page"), 0).toInt();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (m_pages->count() > 0)
        settings.setValue(QStringLiteral("window/page"), m_pages->currentIndex());
    QMainWindow::closeEvent(event);
}

void MainWindow::setTheme(Theme::Mode mode) {
    Theme::instance()->apply(mode);
    (mode == Theme::Mode::Dark ? m_dark : m_light)->setChecked(true);
    QSettings().setValue(settingsKeyTheme(), mode == Theme::Mode::Dark ? QStringLiteral("dark")
                                                                       : QStringLiteral("light"));
    updateStatus();
}

void MainWindow::addPage(Page* page) {
    const int index = m_pages->addWidget(page);
    auto* item =
        new QListWidgetItem(ConsoleIcons::withSelectedWhite(page->icon()), page->title(), m_nav);
    item->setSizeHint(QSize(kNavWidth - 8, 36));
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(page->title()).arg(index + 1));
    // A page speaks in the status bar while it is shown: a page refreshing in the background
    // ("Lineage unchanged") does not talk over the one the user is looking at.
    connect(page, &Page::message, this, [this, page](const QString& text) {
        if (m_pages->currentWidget() == page)
            statusBar()->showMessage(text, 10'000);
    });
    if (index < m_pageActions.size()) {
        QAction* a = m_pageActions[index];
        a->setText(QStringLiteral("&%1 %2").arg(index + 1).arg(page->title()));
        a->setIcon(page->icon());
        a->setVisible(true);
    }
}

void MainWindow::setService(RegionService* service, const QString& title, const QString& key) {
    closeDeployment();
    m_service = service;
    service->setParent(this);
    m_monitor = new DeploymentMonitor(service, this);
    service->setReady(false);

    auto* alerts = new AlertsPage(service, m_monitor);
    // The navigation entry counts the active alerts.
    connect(alerts, &AlertsPage::activeCountChanged, this, [this, alerts](int active) {
        if (auto* item = m_nav->item(m_pages->indexOf(alerts)))
            item->setText(active > 0 ? tr("%1 (%2)").arg(alerts->title()).arg(active)
                                     : alerts->title());
    });
    const std::initializer_list<Page*> pages{new OverviewPage(service, m_monitor),
                                             new RegistryPage(service),
                                             new LineagePage(service),
                                             new ReplicationPage(service, m_monitor),
                                             new RoutingPage(service),
                                             new CostsPage(service, m_monitor),
                                             alerts,
                                             new AuditPage(service)};
    for (Page* page : pages)
        addPage(page);

    connect(m_monitor, &DeploymentMonitor::updated, this, &MainWindow::updateStatus);
    connect(m_monitor, &DeploymentMonitor::regionWentDown, this,
            [this](const QString& region, const QString& error) {
                statusBar()->showMessage(tr("%1 is down: %2").arg(region, error), 15'000);
            });
    connect(m_monitor, &DeploymentMonitor::regionCameUp, this, [this](const QString& region) {
        statusBar()->showMessage(tr("%1 is back up").arg(region), 10'000);
    });
    connect(m_monitor, &DeploymentMonitor::pollFailed, this, [this](const QString& error) {
        statusBar()->showMessage(tr("Poll failed: %1").arg(error), 10'000);
    });

    setWindowTitle(tr("Meridian — %1").arg(title));
    m_frame->setCurrentWidget(m_workspace);
    m_nav->setFocus();
    updateStatus();

    // Credentials first: the pages and the monitor start asking once the console knows who it
    // is (or that the regions cannot tell it), so that no request goes out without the token.
    m_access = new AccessController(service, key.isEmpty() ? title : key, title, this, service);
    connect(m_access, &AccessController::settled, this, [this] {
        if (m_service->isReady())
            return;
        m_service->setReady(true);
        showPage(std::clamp(m_restorePage, 0, m_pages->count() - 1));
        m_monitor->start();
    });
    connect(m_access, &AccessController::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 15'000); });
    connect(m_access, &AccessController::identityChanged, this,
            [this](const console::Identity& identity) {
                for (Page* page : this->pages())
                    page->setIdentity(identity);
                m_changeToken->setEnabled(identity.credentialsRequired);
                m_identity->setText(identityText());
                m_identity->setToolTip(
                    identity.credentialsRequired
                        ? tr("Authenticated by %1").arg(QString::fromStdString(identity.region))
                        : tr("The regions ask for no credentials (loopback only): every action "
                             "is allowed"));
            });
    m_access->start();
}

QString MainWindow::identityText() const {
    if (!m_access || !m_access->identified())
        return {};
    const auto& who = m_access->identity();
    if (!who.credentialsRequired)
        return tr("no credentials required");
    return tr("%1 · %2").arg(QString::fromStdString(who.principal),
                             QString::fromStdString(who.role));
}

bool MainWindow::openDeployment(const QString& path, QString* error) {
    auto backend = console::ConsoleBackend::open(path.toStdString(), GrpcRegionService::kDeadlineMs,
                                                 GrpcRegionService::kPollDeadlineMs);
    if (!backend.ok()) {
        const QString why = QString::fromStdString(std::string(backend.status().message()));
        if (error)
            *error = why;
        else
            QMessageBox::warning(this, tr("Cannot open deployment"),
                                 tr("%1\n\n%2").arg(QDir::toNativeSeparators(path), why));
        return false;
    }
    const QString name = QString::fromStdString((*backend)->name());
    auto* service = new GrpcRegionService(std::move(*backend));
    setService(service, name.isEmpty() ? QFileInfo(path).fileName() : name,
               QFileInfo(path).absoluteFilePath());
    rememberRecent(QFileInfo(path).absoluteFilePath());
    return true;
}

void MainWindow::closeDeployment() {
    // Pages first (they use the monitor and the service), then the monitor, then the service,
    // whose destructor drains calls in flight.
    while (m_pages->count() > 0) {
        QWidget* page = m_pages->widget(0);
        m_pages->removeWidget(page);
        delete page;
    }
    m_nav->clear();
    for (auto* a : m_pageActions)
        a->setVisible(false);
    delete m_monitor;
    m_monitor = nullptr;
    m_access = nullptr;  // the service's child
    m_identity->clear();
    m_changeToken->setEnabled(false);
    delete m_service;
    m_service = nullptr;
    m_frame->setCurrentWidget(m_welcome);
    setWindowTitle(tr("Meridian"));
    updateStatus();
}

void MainWindow::showStartupMessage(const QString& text, bool isError) {
    m_welcomeMessage->setText(text);
    QPalette p = m_welcomeMessage->palette();
    p.setColor(QPalette::WindowText, isError ? Theme::bad() : Theme::muted());
    m_welcomeMessage->setPalette(p);
    statusBar()->showMessage(text);
}

QList<Page*> MainWindow::pages() const {
    QList<Page*> out;
    for (int i = 0; i < m_pages->count(); ++i)
        out << static_cast<Page*>(m_pages->widget(i));
    return out;
}

Page* MainWindow::currentPage() const {
    return static_cast<Page*>(m_pages->currentWidget());
}

void MainWindow::showPage(int index) {
    if (index < 0 || index >= m_pages->count())
        return;
    m_nav->setCurrentRow(index);
}

QString MainWindow::connectionText() const {
    if (!m_monitor)
        return tr("No deployment open");
    if (!m_monitor->hasSnapshot())
        return tr("Connecting to %n region(s)…", nullptr, m_monitor->regionCount());
    QString text = tr("%1 of %2 regions up · refreshed %3")
                       .arg(m_monitor->regionsUp())
                       .arg(m_monitor->regionCount())
                       .arg(format::clock(m_monitor->lastRefreshMs()));
    const qint64 age = QDateTime::currentMSecsSinceEpoch() - m_monitor->lastRefreshMs();
    if (age > kStaleAnswerMs)
        text += tr(" (no answer for %1)").arg(format::seconds(age / 1000.0));
    return text;
}

void MainWindow::updateStatus() {
    m_connection->setText(connectionText());
    QColor color = Theme::muted();
    if (m_monitor && m_monitor->hasSnapshot()) {
        const qint64 age = QDateTime::currentMSecsSinceEpoch() - m_monitor->lastRefreshMs();
        color = m_monitor->regionsUp() == m_monitor->regionCount() ? Theme::good()
                : m_monitor->regionsUp() == 0                      ? Theme::bad()
                                                                   : Theme::warning();
        if (age > kStaleAnswerMs)
            color = Theme::warning();
    }
    m_connectionDot->setPixmap(ConsoleIcons::dot(color).pixmap(16, 16));
}

QStringList MainWindow::recentDeployments() {
    return QSettings().value(QStringLiteral("recent/deployments")).toStringList();
}

void MainWindow::rememberRecent(const QString& path) {
    QStringList recent = recentDeployments();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(QStringLiteral("recent/deployments"), recent);
    rebuildRecent();
}

void MainWindow::rebuildRecent() {
    m_recentMenu->clear();
    m_welcomeRecent->clear();
    const QStringList recent = recentDeployments();
    for (int i = 0; i < recent.size(); ++i) {
        const QString& path = recent[i];
        auto* a = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(path));
        connect(a, &QAction::triggered, this, [this, path] { openDeployment(path); });
        auto* item = new QListWidgetItem(QDir::toNativeSeparators(path), m_welcomeRecent);
        item->setData(Qt::UserRole, path);
        item->setToolTip(tr("Open %1").arg(path));
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_welcomeRecent->setVisible(!recent.isEmpty());
}

void MainWindow::chooseDeployment() {
    const QStringList recent = recentDeployments();
    const QString start = recent.isEmpty() ? QString() : QFileInfo(recent.first()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open deployment"), start, tr("Deployment files (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty())
        openDeployment(path);
}

}  // namespace meridian::ui
