#include "window/tokendialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "common/theme.h"

namespace meridian::ui {

TokenDialog::TokenDialog(const QString& deployment, const QString& reason,
                         const QString& keychainProblem, QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("tokenDialog"));
    setWindowTitle(tr("Token for %1").arg(deployment));
    auto* why = new QLabel(
        tr("<b>The regions of %1 require a token.</b><br>%2<br><br>An admin makes one with "
           "<tt>meridianctl token create --role viewer --name YOU</tt> (or operator, admin); it "
           "reads <tt>mrd_…</tt>. The demo over TLS keeps its admin token in "
           "<tt>DATA_DIR/admin.token</tt>.")
            .arg(deployment.toHtmlEscaped(), reason.toHtmlEscaped()),
        this);
    why->setWordWrap(true);
    why->setTextFormat(Qt::RichText);
    m_token = new QLineEdit(this);
    m_token->setObjectName(QStringLiteral("token"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("mrd_…"));
    m_token->setMinimumWidth(420);
    m_remember = new QCheckBox(tr("Keep it in the system keychain"), this);
    if (keychainProblem.isEmpty()) {
        m_remember->setChecked(true);
    } else {
        m_remember->setEnabled(false);
        m_remember->setToolTip(keychainProblem);
        m_remember->setText(tr("No keychain to keep it in (%1): it will be asked again next time")
                                .arg(keychainProblem));
    }
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: %1").arg(Theme::bad().name()));
    m_problem->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Use token"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(why);
    layout->addWidget(m_token);
    layout->addWidget(m_problem);
    layout->addWidget(m_remember);
    layout->addWidget(buttons);
    connect(m_token, &QLineEdit::textChanged, this, &TokenDialog::check);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    check();
}

QString TokenDialog::formProblem(const QString& token) {
    static const QRegularExpression form(
        QStringLiteral("^mrd_[0-9a-f]{12}_[A-Za-z0-9_-]{32,128}$"));
    if (token.isEmpty())
        return tr("Paste the token.");
    if (!form.match(token).hasMatch())
        return tr("This is not a Meridian token: it reads mrd_<12 hex digits>_<secret>.");
    return {};
}

void TokenDialog::check() {
    const QString problem = formProblem(token());
    m_ok->setEnabled(problem.isEmpty());
    m_problem->setText(token().isEmpty() ? QString() : problem);
}

QString TokenDialog::token() const {
    return m_token->text().trimmed();
}

bool TokenDialog::remember() const {
    return m_remember->isEnabled() && m_remember->isChecked();
}

}  // namespace meridian::ui
