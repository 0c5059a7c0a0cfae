"""Accounts that sign in, with their role, organisation, API tokens and page sessions. Every
change is an event naming who made it, so auditors see who granted which rights.

Tokens and sessions are kept as the SHA-256 of their secret, never the secret. A password change
ends every token and session of the account except the one named by `keep` (the hash of the
session or token that made the change; None for an administrator's reset of someone else)."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Account(Aggregate):
    @event("Created")
    def __init__(self, username: str, role: str, organisation: str | None,
                 password_hash: str, actor: str):
        self.username = username
        self.role = role
        self.organisation = organisation
        self.password_hash = password_hash
        self.disabled = False

    @staticmethod
    def create_id(username: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/accounts/{username}")

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
        """The account's mail key was destroyed: its address is gone; the account stays disabled."""
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
