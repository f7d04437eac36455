#pragma once
// Asks for the bearer token of a deployment whose regions require one: why it is asked (the
// regions' refusal), where tokens come from, and whether the keychain will keep it (or why it
// cannot). The token is checked for its form before the dialog accepts it.

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace meridian::ui {

class TokenDialog : public QDialog {
    Q_OBJECT

public:
    // `reason`: what the regions said ("region 'x' requires a token", "token … was revoked").
    // `keychainProblem`: empty when the keychain can keep the token, else why it cannot.
    TokenDialog(const QString& deployment, const QString& reason, const QString& keychainProblem,
                QWidget* parent = nullptr);

    QString token() const;
    bool remember() const;
    QLineEdit* tokenEdit() const { return m_token; }

    // Empty when `token` has a token's form (mrd_<12 hex digits>_<secret>), else what is wrong.
    static QString formProblem(const QString& token);

private:
    void check();

    QLineEdit* m_token;
    QCheckBox* m_remember;
    QLabel* m_problem;
    QPushButton* m_ok;
};

}  // namespace meridian::ui
