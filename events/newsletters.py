"""The newsletter "Nytt från länsgruppen": an issue a coordinator composes from the examples
published and the decisions made since the last one, with an introduction of their own, sent to
every account that opted in. Issues are numbered 1, 2, 3 …; the number is the aggregate's id,
so two coordinators sending at once cannot both take it."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from . import validation
from .errors import Conflict, NotAllowed, NotSignedIn, ValidationError
from .messages import msg
from .permissions import Actor

INTRODUCTION_MAX = 5_000
ITEMS_MAX = 40


class Newsletter(Aggregate):
    @event("Issued")
    def __init__(self, number: int, introduction: str, examples: list[str], decisions: list[dict], actor: str):
        """`examples`: example ids; `decisions`: `{meeting_id, number}` (a decision's citation)."""
        self.number = number
        self.introduction = introduction
        self.examples = examples
        self.decisions = decisions

    @staticmethod
    def create_id(number: int, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/newsletters/{number}")


class NewsletterCommands:
    """`self` is the `Wiki` application."""

    def latest_newsletter(self) -> Newsletter | None:
        number, latest = 1, None
        while True:
            try:
                latest = self.repository.get(Newsletter.create_id(number))
            except AggregateNotFoundError:
                return latest
            number += 1

    def issue_newsletter(self, actor: Actor, data: dict) -> tuple[int, int]:
        """Records an issue (coordinators and admins); its messages are made by the notifier.
        Returns (number, position)."""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        if not actor.curates:
            raise NotAllowed(msg("Bara samordnaren skickar nyhetsbrevet."))
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"introduction", "examples", "decisions"})
        introduction = validation.text(data.get("introduction"), "introduction", max_length=INTRODUCTION_MAX,
                                       required=True, multiline=True)
        examples = data.get("examples") or []
        decisions = data.get("decisions") or []
        if not isinstance(examples, list) or len(examples) > ITEMS_MAX:
            raise ValidationError(msg("examples: högst %(max)s exempel.", max=ITEMS_MAX), "examples")
        if not isinstance(decisions, list) or len(decisions) > ITEMS_MAX:
            raise ValidationError(msg("decisions: högst %(max)s beslut.", max=ITEMS_MAX), "decisions")
        example_ids = []
        for index, slug in enumerate(examples):
            try:
                example = self.get_example(slug) if isinstance(slug, str) else None
            except Exception:  # noqa: BLE001 - any unknown slug is the same refusal
                example = None
            if example is None or example.status != "published":
                raise ValidationError(msg("examples[%(index)s]: inget publicerat exempel.", index=index),
                                      f"examples[{index}]")
            example_ids.append(str(example.id))
        checked = []
        for index, decision in enumerate(decisions):
            meeting_id, number = (decision.get("meeting"), decision.get("number")) if isinstance(decision, dict) \
                else (None, None)
            try:
                meeting = self.get_meeting(meeting_id)
            except Exception:  # noqa: BLE001 - an unknown meeting is the same refusal
                meeting = None
            if meeting is None or meeting.minutes is None or not isinstance(number, str) or len(number) > 40:
                raise ValidationError(msg("decisions[%(index)s]: inget sådant beslut.", index=index),
                                      f"decisions[{index}]")
            checked.append({"meeting_id": str(meeting.id), "number": number})
        if not example_ids and not checked:
            raise ValidationError(msg("Välj minst ett exempel eller beslut."), "examples")
        for _ in range(8):
            latest = self.latest_newsletter()
            number = (latest.number if latest else 0) + 1
            issue = Newsletter(number=number, introduction=introduction, examples=example_ids, decisions=checked,
                               actor=self.actor_ref(actor))
            try:
                return number, self.save(issue)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Nyhetsbrevet skickas av flera samtidigt; försök igen."))
