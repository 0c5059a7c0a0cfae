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
