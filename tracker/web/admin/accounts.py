"""The accounts page (issue 9 §4): locked accounts with a button to lift the lock, accounts
with recent wrong passwords, and the account history (logins, failures, locks, unlocks,
logouts, password changes). For the office and the admin."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.domain.policy import Action
from tracker.services import logins
from tracker.web.access import require
from tracker.web.actions import act
from tracker.web.admin.views import bp
from tracker.web.auth import sessions
from tracker.web.forms import TrackerForm

#: Chinese names of the account history's actions.
ACCOUNT_ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "锁定期间登录",
    "lock": "锁定账号",
    "unlock": "解除锁定",
    "logout": "退出登录",
    "change_password": "修改密码",
}


@bp.route("/admin/accounts")
@login_required
def accounts() -> str:
    """Locked accounts, accounts with recent failures, and the latest 100 account events."""
    require(Action.MANAGE_ACCOUNTS)
    now, rules = sessions.now(), sessions.login_rules()
    history = logins.account_history(100)
    return render_template(
        "admin/accounts.html",
        locked=logins.locked_accounts(now),
        failing=logins.failing_accounts(rules, now),
        history=history,
        account_names=logins.account_names(history),
        rules=rules,
        action_labels=ACCOUNT_ACTION_LABELS,
        form=TrackerForm(),
    )


@bp.route("/admin/accounts/<int:user_id>/unlock", methods=["POST"])
@login_required
def unlock_account(user_id: int) -> Response:
    """Lift a lock; an account that is not locked is refused with a message."""
    require(Action.MANAGE_ACCOUNTS)
    user = logins.get_user(user_id)
    return act(
        lambda: logins.unlock(user, current_user._get_current_object(), sessions.now()),
        f"已解除账号「{user.username}」的锁定。",
        url_for("admin.accounts"),
        form=TrackerForm(),
    )
