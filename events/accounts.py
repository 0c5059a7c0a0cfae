"""Accounts that sign in, with their role, organisation, API tokens and page sessions. Every
change is an event naming who made it, so auditors see who granted which rights.

An event's `actor` is the acting account's id. The name an account signs in with is sealed in
`Created` under the account's own key (`account:<id>`, which also seals its e-mail address), and
reserved by an `AccountName` whose id is a keyed hash of the name: the log holds no account name,
and destroying the key erases it. Accounts created before this (ids `uuid5("/accounts/<name>")`)
keep their plain name in `Created`, and their events name them as actor by that name;
`account_id_of` reads both.

Tokens and sessions are kept as the SHA-256 of their secret, never the secret. A password change
ends every token and session of the account except the one named by `keep` (the hash of the
session or token that made the change; None for an administrator's reset of someone else)."""

import hashlib
import hmac
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def legacy_account_id(username: str) -> UUID:
    """The id of an account created before names were sealed."""
    return uuid5(NAMESPACE_URL, f"/accounts/{username}")


def account_id_of(actor: str) -> str:
    """The account an event's `actor` names: an account id, or (older events) a username."""
    try:
        return str(UUID(actor))
    except (TypeError, ValueError, AttributeError):
        return str(legacy_account_id(actor))


def account_name_id(names_key: bytes, username: str) -> UUID:
    """The id of the reservation of `username`: a keyed hash, so the log does not hold the name."""
    digest = hmac.new(names_key, username.encode(), hashlib.sha256).hexdigest()
    return uuid5(NAMESPACE_URL, f"/account-names/{digest}")


class AccountName(Aggregate):
    """A sign-in name held by one account at a time; released when the account is erased."""

    @event("Reserved")
    def __init__(self, account_id: str):
        self.account_id: str | None = account_id

    @event("Taken")
    def take(self, account_id: str) -> None:
        self.account_id = account_id

    @event("Released")
    def release(self, actor: str) -> None:
        self.account_id = None


class Account(Aggregate):
    @event("Created")
    def __init__(self, username: str | dict, role: str, organisation: str | None,
                 password_hash: str, actor: str):
        """`username`: sealed `{"key", "sealed"}`, or the plain name in accounts created before."""
        self.username = username
        self.role = role
        self.organisation = organisation
        self.password_hash = password_hash
        self.disabled = False

    @event("RoleChanged")
    def change_role(self, role: str, organisation: str | None, actor: str) -> None:
        self.role = role
        self.organisation = organisation

    @event("OrganisationChanged")
    def change_organisation(self, organisation: str | None, actor: str) -> None:
        self.organisation = organisation

    @event("Disabled")
    def disable(self, reason: str, actor: str) -> None:
        self.disabled = True

    @event("Enabled")
    def enable(self, actor: str) -> None:
        self.disabled = False

    @event("PasswordChanged")
    def change_password(self, password_hash: str, actor: str, keep: str | None = None) -> None:
        self.password_hash = password_hash

    @event("TokenIssued")
    def issue_token(self, token_hash: str, expires_at: str, actor: str) -> None:
        pass

    @event("TokenRevoked")
    def revoke_token(self, token_hash: str, actor: str) -> None:
        pass

    @event("SessionStarted")
    def start_session(self, session_hash: str, expires_at: str, actor: str) -> None:
        pass

    @event("SessionEnded")
    def end_session(self, session_hash: str, actor: str) -> None:
        pass

    # ---- mail: address, settings and subscriptions (events/subscriptions.py) ----------------

    @event("EmailChanged")
    def change_email(self, email: dict | None, actor: str) -> None:
        """`email`: the address sealed under the account's own key, or None (removed)."""
        self.email = email

    @event("MailSettingsChanged")
    def change_mail_settings(self, language: str, newsletter: bool, actor: str) -> None:
        self.language = language
        self.newsletter = newsletter

    @event("Subscribed")
    def subscribe(self, subscription_id: str, kind: str, query: str, filters: dict, example_id: str | None,
                  frequency: str, actor: str) -> None:
        self.subscriptions = {**self.subscriptions_now, subscription_id: {
            "kind": kind, "query": query, "filters": filters, "example_id": example_id, "frequency": frequency}}

    @event("Unsubscribed")
    def unsubscribe(self, subscription_id: str, actor: str) -> None:
        self.subscriptions = {k: v for k, v in self.subscriptions_now.items() if k != subscription_id}

    @event("Erased")
    def erase(self, actor: str) -> None:
        """The account's key is destroyed: its name and address are gone; it stays disabled."""
        self.email = None
        self.subscriptions = {}
        self.disabled = True
        self.erased = True

    @property
    def subscriptions_now(self) -> dict:
        """Subscription id -> what it is (accounts saved before subscriptions existed have none)."""
        return getattr(self, "subscriptions", {})

    @event("CalendarFeedRenewed")
    def renew_calendar_feed(self, feed_hash: str, actor: str) -> None:
        """A new secret address for the account's calendar (its hash); the old one stops working."""
