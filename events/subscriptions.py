"""Accounts' e-mail addresses, mail settings and subscriptions, mixed into `Wiki`.

An address is personal data: it is sealed under a key of the account's own (`account:<id>` in
the key table), so erasing the account destroys the key and the address with it, in the log,
its snapshots and every copy made from them. Subscriptions are events of the account: a saved
search (query and facet filters), one example (watched), or the meetings of the account's
groups; each `immediate` or in a `weekly` digest.
"""

import re
from uuid import uuid4

from eventsourcing.persistence import IntegrityError

from . import validation
from .accounts import Account
from .errors import Conflict, NotAllowed, NotFound, NotSignedIn, ValidationError
from .messages import msg
from .permissions import Actor, can_read_example
from .passwords import new_token, token_hash
from .personal_data import new_key, seal_json, unseal_json

SUBSCRIPTION_KINDS = ("search", "example", "meetings")
FREQUENCIES = ("immediate", "weekly")
MAIL_LANGUAGES = ("sv", "en")
MAX_SUBSCRIPTIONS = 50
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def mail_key_id(account: Account) -> str:
    return f"account:{account.id}"


class SubscriptionCommands:
    """`self` is the `Wiki` application."""

    def _own_account(self, actor: Actor) -> Account:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        return self.get_account(actor.username)

    # ---- address and settings ----------------------------------------------------------

    def change_mail_settings(self, actor: Actor, data: dict) -> int:
        """`{"email", "language", "newsletter"}` for the signed-in account; an empty email removes it."""
        account = self._own_account(actor)
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"email", "language", "newsletter"})
        if "email" in data:
            email = validation.text(data["email"], "email", max_length=200)
            if email and not EMAIL.fullmatch(email):
                raise ValidationError(msg("email: ogiltig e-postadress."), "email")
            if email != (self.email_of(account) or ""):
                account.change_email(email=self._sealed_email(account, email) if email else None,
                                     actor=self.actor_ref(actor))
        language = data.get("language", getattr(account, "language", "sv"))
        if language not in MAIL_LANGUAGES:
            raise ValidationError(msg("language: sv eller en."), "language")
        newsletter = data.get("newsletter", getattr(account, "newsletter", False))
        if not isinstance(newsletter, bool):
            raise ValidationError(msg("newsletter: true eller false."), "newsletter")
        if (language, newsletter) != (getattr(account, "language", "sv"), getattr(account, "newsletter", False)):
            account.change_mail_settings(language=language, newsletter=newsletter, actor=self.actor_ref(actor))
        if not account.pending_events:
            return self.position()
        return self._save_account(account)

    def _sealed_email(self, account: Account, email: str) -> dict:
        key_id = mail_key_id(account)
        key = self.person_keys.get(key_id)
        if key is None:
            key = new_key()
            self.person_keys.store(key_id, key)
        return {"key": key_id, "sealed": seal_json(key, key_id, {"email": email})}

    def email_of(self, account: Account | str) -> str | None:
        """The account's address, opened; None if it has none, its key is destroyed or no account
        has that name (any more)."""
        if isinstance(account, str):
            try:
                account = self.get_account(account)
            except NotFound:
                return None
        sealed = getattr(account, "email", None)
        if not sealed:
            return None
        opened = unseal_json(self.person_keys.get(sealed["key"]), sealed["key"], sealed["sealed"])
        return opened["email"] if opened else None

    def erase_account(self, actor: Actor, username: str) -> int:
        """Admins only: the account is disabled for good and its key destroyed, and with it the
        name and address sealed under it; its name is released for a new account. The trail
        shows "raderat konto" for what it did. (An account created before names were sealed keeps
        its name in its own `Created` event and as the actor of its older events.)"""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        if actor.role != "admin":
            raise NotAllowed(msg("Bara administratörer raderar konton."))
        account = self.get_account(username)
        if self._is_self(account, actor):
            raise NotAllowed(msg("Du kan inte radera ditt eget konto."))
        if getattr(account, "erased", False):
            raise Conflict(msg("Kontot är redan raderat."))
        account.erase(actor=self.actor_ref(actor))
        reservation = self._name_reservation(username)
        if reservation is not None and reservation.account_id == str(account.id):
            reservation.release(actor=self.actor_ref(actor))
        try:
            position = self.save(account, *([reservation] if reservation is not None else []))[-1].notification.id
        except IntegrityError:
            raise Conflict(msg("Kontot ändrades samtidigt; försök igen.")) from None
        self.person_keys.destroy(mail_key_id(account))
        return position

    # ---- subscriptions -------------------------------------------------------------------

    def subscribe(self, actor: Actor, data: dict) -> tuple[str, int]:
        account = self._own_account(actor)
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"kind", "query", "filters", "example", "frequency"})
        kind = data.get("kind")
        if kind not in SUBSCRIPTION_KINDS:
            raise ValidationError(msg("kind: search, example eller meetings."), "kind", allowed=list(SUBSCRIPTION_KINDS))
        frequency = data.get("frequency", "immediate")
        if frequency not in FREQUENCIES:
            raise ValidationError(msg("frequency: immediate eller weekly."), "frequency", allowed=list(FREQUENCIES))
        query, filters, example_id = "", {}, None
        if kind == "search":
            validation.reject_unknown(data, {"kind", "query", "filters", "frequency"})
            query = validation.search_query(data.get("query"))
            raw = data.get("filters") or {}
            if not isinstance(raw, dict):
                raise ValidationError(msg("filters: ett objekt med sökfilter."), "filters")
            validation.reject_unknown(raw, set(validation.SEARCH_FILTERS))
            filters = validation.search_filters(raw, "filters")
            if not query.strip() and not filters:
                raise ValidationError(msg("query: ange sökord eller filter."), "query")
        elif kind == "example":
            validation.reject_unknown(data, {"kind", "example", "frequency"})
            slug = data.get("example")
            try:
                example = self.get_example(slug) if isinstance(slug, str) else None
            except NotFound:
                example = None
            if example is None or not can_read_example(actor, example.status, example.organisations):
                raise ValidationError(msg("example: exemplet finns inte."), "example")
            example_id = str(example.id)
        else:
            validation.reject_unknown(data, {"kind", "frequency"})
        for existing, spec in account.subscriptions_now.items():  # the same one again (two tabs): no new event
            if spec == {"kind": kind, "query": query, "filters": filters, "example_id": example_id,
                        "frequency": frequency}:
                return existing, self.position()
        if len(account.subscriptions_now) >= MAX_SUBSCRIPTIONS:
            raise Conflict(msg("Högst %(max)s prenumerationer per konto.", max=MAX_SUBSCRIPTIONS))
        subscription_id = str(uuid4())
        account.subscribe(subscription_id=subscription_id, kind=kind, query=query, filters=filters,
                          example_id=example_id, frequency=frequency, actor=self.actor_ref(actor))
        return subscription_id, self._save_account(account)

    def unsubscribe(self, actor: Actor, subscription_id: str) -> int:
        """The account's own subscription ends (404 for one that is not theirs)."""
        account = self._own_account(actor)
        if subscription_id not in account.subscriptions_now:
            raise NotFound(msg("Prenumerationen finns inte."))
        account.unsubscribe(subscription_id=subscription_id, actor=self.actor_ref(actor))
        return self._save_account(account)

    def unsubscribe_by_link(self, username: str, subscription_id: str | None) -> int:
        """A signed one-click link (the caller checked the signature): one subscription, or all of
        the account's mail (`None`: every subscription, and the newsletter)."""
        account = self.get_account(username)
        ending = [subscription_id] if subscription_id else list(account.subscriptions_now)
        for one in ending:
            if one in account.subscriptions_now:
                account.unsubscribe(subscription_id=one, actor="avprenumeration")
        if subscription_id is None and getattr(account, "newsletter", False):
            account.change_mail_settings(language=getattr(account, "language", "sv"), newsletter=False,
                                         actor="avprenumeration")
        if not account.pending_events:
            return self.position()
        return self._save_account(account)

    # ---- the calendar feed ---------------------------------------------------------------

    def renew_calendar_feed(self, actor: Actor) -> tuple[str, int]:
        """A new secret for the account's calendar address (calendar programs cannot send a token);
        the event keeps only its hash, and the old address stops working."""
        account = self._own_account(actor)
        secret = new_token()
        account.renew_calendar_feed(feed_hash=token_hash(secret), actor=self.actor_ref(actor))
        return secret, self._save_account(account)
