"""Managing accounts, mixed into the `Wiki` application.

Admins manage every account. Coordinators manage members' and auditors' accounts and give
no one a role above their own. Nobody disables or demotes themselves. A page sign-in starts a
session recorded on the account (its hash only), so every process and node can end it.
"""

import re
from datetime import datetime, timedelta, timezone

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from . import validation
from .accounts import Account
from .errors import Conflict, NotAllowed, NotFound, NotSignedIn, ValidationError
from .messages import msg
from .passwords import hash_password, new_token, token_hash, verify_password
from .permissions import Actor
from .vocabulary import ROLES

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
PASSWORD_MIN, PASSWORD_MAX = 10, 200
COORDINATOR_MANAGES = ("member", "auditor")
SESSION_SAVE_ATTEMPTS = 5


def check_password_rules(password) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError(msg("Lösenordet måste ha %(min)s–%(max)s tecken.",
                                  min=PASSWORD_MIN, max=PASSWORD_MAX), "password")
    if not validation.is_valid_text(password):
        raise ValidationError(msg("Lösenordet innehåller ogiltiga tecken."), "password")
    return password


class AccountCommands:
    """`self` is the `Wiki` application."""

    def get_account(self, username: str) -> Account:
        if not isinstance(username, str) or not USERNAME.fullmatch(username):
            raise NotFound(msg("Kontot finns inte."))
        try:
            return self.repository.get(Account.create_id(username))
        except AggregateNotFoundError:
            raise NotFound(msg("Kontot finns inte.")) from None

    @staticmethod
    def _may_manage(actor: Actor, role: str) -> None:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        if actor.role == "admin":
            return
        if actor.role == "coordinator" and role in COORDINATOR_MANAGES:
            return
        raise NotAllowed(msg("Din roll får inte hantera det här kontot."))

    def _role_and_organisation(self, role, organisation) -> tuple[str, str | None]:
        if not isinstance(role, str) or role not in ROLES:
            raise ValidationError(msg("Okänd roll."), "role")
        organisation = organisation or None
        if role == "member" and not organisation:
            raise ValidationError(msg("En medlem måste höra till en organisation."), "organisation")
        if organisation is not None and not self.organisation_exists(organisation):
            raise ValidationError(msg("Organisationen %(slug)s finns inte.", slug=str(organisation)[:60]),
                                  "organisation")
        return role, organisation

    def register_account(self, actor: Actor, username: str, role: str, organisation: str | None,
                         password: str) -> int:
        """Creates an account on behalf of a signed-in coordinator or admin."""
        self._may_manage(actor, role)
        role, organisation = self._role_and_organisation(role, organisation)
        return self.create_account(username, role, organisation, check_password_rules(password), actor=actor.username)

    def change_account_role(self, actor: Actor, username: str, role: str, organisation: str | None) -> int:
        account = self.get_account(username)
        self._may_manage(actor, account.role)
        self._may_manage(actor, role)
        role, organisation = self._role_and_organisation(role, organisation)
        if account.username == actor.username and role != account.role:
            raise NotAllowed(msg("Du kan inte ändra din egen roll."))
        if (role, organisation) == (account.role, account.organisation):
            return self.position()
        if role == account.role:
            account.change_organisation(organisation=organisation, actor=actor.username)
        else:
            account.change_role(role=role, organisation=organisation, actor=actor.username)
        return self._save_account(account)

    def set_account_disabled(self, actor: Actor, username: str, disabled: bool, reason: str = "") -> int:
        account = self.get_account(username)
        self._may_manage(actor, account.role)
        if account.username == actor.username:
            raise NotAllowed(msg("Du kan inte stänga av ditt eget konto."))
        if account.disabled == disabled:
            return self.position()
        if getattr(account, "erased", False):
            raise Conflict(msg("Kontot är raderat och kan inte öppnas igen."))
        if disabled:
            account.disable(reason=validation.text(reason, "reason", max_length=500), actor=actor.username)
        else:
            account.enable(actor=actor.username)
        return self._save_account(account)

    def reset_password(self, actor: Actor, username: str, new_password: str, keep: str | None = None) -> int:
        """Ends every session and token of the account; `keep` (the hash of the acting session) is
        honoured only when the actor resets their own password."""
        account = self.get_account(username)
        self._may_manage(actor, account.role)
        account.change_password(password_hash=hash_password(check_password_rules(new_password)),
                                actor=actor.username, keep=keep if username == actor.username else None)
        return self._save_account(account)

    def change_own_password(self, actor: Actor, current: str, new_password: str, keep: str | None = None) -> int:
        """Ends every other session and token of the account: all but `keep`, the hash of the
        session or token the person changed it with."""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        account = self.get_account(actor.username)
        if not isinstance(current, str) or not verify_password(current, account.password_hash):
            raise ValidationError(msg("Det nuvarande lösenordet stämmer inte."), "current_password")
        account.change_password(password_hash=hash_password(check_password_rules(new_password)),
                                actor=actor.username, keep=keep)
        return self._save_account(account)

    # ---- page sessions ----------------------------------------------------------------------

    def start_session(self, account: Account, lifetime: timedelta) -> tuple[str, int]:
        """A new page session for an account whose password was just checked: the session id
        (for the cookie; the event keeps its hash) and the position. Refused as a wrong password
        if the password changed or the account was disabled since the check."""
        session_id = new_token()
        expires = (datetime.now(timezone.utc) + lifetime).replace(microsecond=0)
        for _ in range(SESSION_SAVE_ATTEMPTS):
            current = self.repository.get(account.id)
            if current.password_hash != account.password_hash or current.disabled:
                raise NotSignedIn(msg("Fel användarnamn eller lösenord."))
            current.start_session(session_hash=token_hash(session_id),
                                  expires_at=expires.isoformat().replace("+00:00", "Z"), actor=current.username)
            try:
                return session_id, self.save(current)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Försök igen."))

    def end_session(self, username: str, session_id: str) -> int:
        """Signs one page session out, in every process and on every node."""
        for _ in range(SESSION_SAVE_ATTEMPTS):
            account = self.get_account(username)
            account.end_session(session_hash=token_hash(session_id), actor=username)
            try:
                return self.save(account)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Försök igen."))

    def _save_account(self, account: Account) -> int:
        try:
            return self.save(account)[-1].notification.id
        except IntegrityError:
            raise Conflict(msg("Kontot ändrades samtidigt; försök igen.")) from None
