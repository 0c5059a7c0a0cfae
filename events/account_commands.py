"""Managing accounts, mixed into the `Wiki` application.

Admins manage every account. Coordinators manage members' and auditors' accounts and give
no one a role above their own. Nobody disables or demotes themselves. A page sign-in starts a
session recorded on the account (its hash only), so every process and node can end it.
"""

import re
from datetime import datetime, timedelta, timezone
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from . import validation
from .accounts import Account, AccountName, account_id_of, account_name_id, legacy_account_id
from .errors import Conflict, NotAllowed, NotFound, NotSignedIn, ValidationError
from .messages import msg
from .passwords import hash_password, new_token, token_hash, verify_password
from .personal_data import new_key, seal_json, unseal_json
from .permissions import Actor
from .vocabulary import ROLES

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
PASSWORD_MIN, PASSWORD_MAX = 10, 200
COORDINATOR_MANAGES = ("member", "auditor")
SESSION_SAVE_ATTEMPTS = 5
NAMES_KEY = "names:accounts"  # the key of the names' hashes in the key table; never destroyed


def account_key_id(account_id) -> str:
    """The key that seals an account's name and e-mail address."""
    return f"account:{account_id}"


def check_password_rules(password) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError(msg("Lösenordet måste ha %(min)s–%(max)s tecken.",
                                  min=PASSWORD_MIN, max=PASSWORD_MAX), "password")
    if not validation.is_valid_text(password):
        raise ValidationError(msg("Lösenordet innehåller ogiltiga tecken."), "password")
    return password


class AccountCommands:
    """`self` is the `Wiki` application."""

    # ---- names ------------------------------------------------------------------------------

    def _name_reservation_id(self, username: str) -> UUID:
        key = getattr(self, "_names_key", None)
        if key is None:
            key = self._names_key = self.person_keys.get_or_create(NAMES_KEY)
        return account_name_id(key, username)

    def _name_reservation(self, username: str) -> AccountName | None:
        try:
            return self.repository.get(self._name_reservation_id(username))
        except AggregateNotFoundError:
            return None

    def account_id_for(self, username: str) -> UUID | None:
        """The id of the account that signs in with `username` (reserved, or an older account's)."""
        if not isinstance(username, str) or not USERNAME.fullmatch(username):
            return None
        reservation = self._name_reservation(username)
        if reservation is not None and reservation.account_id:
            return UUID(reservation.account_id)
        legacy = legacy_account_id(username)
        return legacy if legacy in self.repository else None

    def get_account(self, username: str) -> Account:
        account_id = self.account_id_for(username)
        if account_id is None:
            raise NotFound(msg("Kontot finns inte."))
        return self.repository.get(account_id)

    def account_exists(self, username: str) -> bool:
        return self.account_id_for(username) is not None

    def open_account_name(self, name: str | dict | None) -> str | None:
        """An account's name as `Created` holds it: plain (older accounts) or sealed; None once erased."""
        if isinstance(name, dict):
            opened = unseal_json(self.person_keys.get(name["key"]), name["key"], name["sealed"])
            return opened["username"] if opened else None
        return name

    def account_username(self, account: Account) -> str | None:
        return None if getattr(account, "erased", False) else self.open_account_name(account.username)

    def actor_name(self, actor: str | None) -> tuple[str | None, str | None]:
        """`(username, account id)` of an event's actor: the name None for an erased account, the id
        None for an actor that is not an account (the demo loader, the command line)."""
        if not actor:
            return None, None
        try:
            account = self.repository.get(UUID(account_id_of(actor)))
        except AggregateNotFoundError:
            return actor, None
        return self.account_username(account), str(account.id)

    def actor_ref(self, actor: Actor) -> str:
        """What an event records as its actor: the acting account's id."""
        if actor.account_id:
            return actor.account_id
        account_id = self.account_id_for(actor.username) if actor.username else None
        return str(account_id) if account_id else (actor.username or "")

    def _is_self(self, account: Account, actor: Actor) -> bool:
        return account_id_of(self.actor_ref(actor)) == str(account.id)

    def new_account(self, username: str, role: str, organisation: str | None, password_hash: str,
                    actor: str) -> tuple[Account, AccountName]:
        """An account with a new id, its name sealed under a new key of its own, and the
        reservation of the name; saved together, so two accounts never take one name."""
        if legacy_account_id(username) in self.repository:
            raise Conflict(msg("Kontot %(username)s finns redan.", username=username))
        reservation = self._name_reservation(username)
        if reservation is not None and reservation.account_id:
            raise Conflict(msg("Kontot %(username)s finns redan.", username=username))
        account_id = uuid4()
        key_id, key = account_key_id(account_id), new_key()
        self.person_keys.store(key_id, key)
        sealed = {"key": key_id, "sealed": seal_json(key, key_id, {"username": username})}
        account = Account._create(Account.Created, id=account_id, username=sealed, role=role,
                                  organisation=organisation, password_hash=password_hash, actor=actor)
        if reservation is None:
            reservation = AccountName._create(AccountName.Reserved, id=self._name_reservation_id(username),
                                              account_id=str(account_id))
        else:
            reservation.take(account_id=str(account_id))
        return account, reservation

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
        return self.create_account(username, role, organisation, check_password_rules(password),
                                   actor=self.actor_ref(actor))

    def change_account_role(self, actor: Actor, username: str, role: str, organisation: str | None) -> int:
        account = self.get_account(username)
        self._may_manage(actor, account.role)
        self._may_manage(actor, role)
        role, organisation = self._role_and_organisation(role, organisation)
        if self._is_self(account, actor) and role != account.role:
            raise NotAllowed(msg("Du kan inte ändra din egen roll."))
        if (role, organisation) == (account.role, account.organisation):
            return self.position()
        if role == account.role:
            account.change_organisation(organisation=organisation, actor=self.actor_ref(actor))
        else:
            account.change_role(role=role, organisation=organisation, actor=self.actor_ref(actor))
        return self._save_account(account)

    def set_account_disabled(self, actor: Actor, username: str, disabled: bool, reason: str = "") -> int:
        account = self.get_account(username)
        self._may_manage(actor, account.role)
        if self._is_self(account, actor):
            raise NotAllowed(msg("Du kan inte stänga av ditt eget konto."))
        if account.disabled == disabled:
            return self.position()
        if getattr(account, "erased", False):
            raise Conflict(msg("Kontot är raderat och kan inte öppnas igen."))
        if disabled:
            account.disable(reason=validation.text(reason, "reason", max_length=500), actor=self.actor_ref(actor))
        else:
            account.enable(actor=self.actor_ref(actor))
        return self._save_account(account)

    def reset_password(self, actor: Actor, username: str, new_password: str, keep: str | None = None) -> int:
        """Ends every session and token of the account; `keep` (the hash of the acting session) is
        honoured only when the actor resets their own password."""
        account = self.get_account(username)
        self._may_manage(actor, account.role)
        account.change_password(password_hash=hash_password(check_password_rules(new_password)),
                                actor=self.actor_ref(actor), keep=keep if self._is_self(account, actor) else None)
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
                                actor=self.actor_ref(actor), keep=keep)
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
                                  expires_at=expires.isoformat().replace("+00:00", "Z"), actor=str(current.id))
            try:
                return session_id, self.save(current)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Försök igen."))

    def end_session(self, username: str, session_id: str) -> int:
        """Signs one page session out, in every process and on every node."""
        for _ in range(SESSION_SAVE_ATTEMPTS):
            account = self.get_account(username)
            account.end_session(session_hash=token_hash(session_id), actor=str(account.id))
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
