#include "window/accesscontroller.h"

#include <QFile>

#include "common/qtstrings.h"
#include "window/tokendialog.h"
#include "window/tokenstore.h"

namespace meridian::ui {

AccessController::AccessController(RegionService* service, QString deploymentKey,
                                   QString deploymentName, QWidget* dialogParent, QObject* parent)
    : QObject(parent),
      m_service(service),
      m_key(std::move(deploymentKey)),
      m_name(std::move(deploymentName)),
      m_dialogParent(dialogParent),
      m_store(new TokenStore(this)) {
    connect(service, &RegionService::identified, this, &AccessController::onIdentified);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token != m_request)
                    return;
                m_request = 0;
                emit message(tr("Cannot tell who you are: %1").arg(text));
                emit settled();
            });
}

TokenDialog* AccessController::dialog() const {
    return m_dialog.data();
}

void AccessController::start() {
    // As meridianctl does: the environment first.
    QString token = qEnvironmentVariable("MERIDIAN_TOKEN");
    if (token.isEmpty() && qEnvironmentVariableIsSet("MERIDIAN_TOKEN_FILE")) {
        QFile file(qEnvironmentVariable("MERIDIAN_TOKEN_FILE"));
        if (file.open(QIODevice::ReadOnly))
            token = QString::fromUtf8(file.readLine()).trimmed();
    }
    if (!token.isEmpty()) {
        useToken(token, false);
        return;
    }
    m_store->load(m_key, [this](const QString& kept, const QString& error) {
        if (!kept.isEmpty()) {
            useToken(kept, true);
            return;
        }
        m_keychainProblem = error;
        ask();
    });
}

void AccessController::changeToken() {
    m_store->forget(m_key);
    m_token.clear();
    m_service->setToken({});
    askForToken(tr("Give the token to use from now on."));
}

void AccessController::useToken(const QString& token, bool fromKeychain) {
    m_token = token;
    m_tokenFromKeychain = fromKeychain;
    m_service->setToken(token);
    ask();
}

void AccessController::ask() {
    m_request = m_service->whoAmI();
}

void AccessController::onIdentified(quint64 token, const console::Identity& identity) {
    if (token != m_request)
        return;
    m_request = 0;
    if (!identity.refusal.empty()) {
        // A kept token that no longer works is forgotten, so that it is not tried again.
        if (m_tokenFromKeychain)
            m_store->forget(m_key);
        askForToken(qs(identity.refusal));
        return;
    }
    m_identity = identity;
    m_identified = true;
    if (m_rememberPending) {
        m_rememberPending = false;
        m_store->save(m_key, m_token, [this](const QString& error) {
            if (!error.isEmpty())
                emit message(tr("The keychain did not keep the token (%1): it will be asked "
                                "again next time")
                                 .arg(error));
        });
    }
    emit identityChanged(identity);
    emit settled();
}

void AccessController::askForToken(const QString& reason) {
    if (m_dialog)
        return;
    m_dialog = new TokenDialog(m_name, reason, m_keychainProblem, m_dialogParent);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this] {
        m_rememberPending = m_dialog->remember();
        useToken(m_dialog->token(), false);
    });
    connect(m_dialog, &QDialog::rejected, this, [this] {
        emit message(tr("No token: the regions of %1 refuse every request (File › Change "
                        "token… to give one)")
                         .arg(m_name));
        emit settled();
    });
    m_dialog->open();
}

}  // namespace meridian::ui
