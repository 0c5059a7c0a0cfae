"""Translatable messages without a translation library: `events/` imports neither Flask nor Babel.

A `Message` is the Swedish text itself (a `str`, so the API, logs and tests see exactly the
text they always did) that also keeps its msgid (`template`, %-style placeholders) and its
`params`. The pages translate it at the edge: `gettext(message.template) % params`, with
parameters that are Messages themselves translated first (see `wiki/i18n.py`).

`msg` and `N_` are extraction keywords (`scripts/translations`): `msg("%(field)s: får inte
vara tomt.", field="title")` for messages, `N_("Utkast")` for labels that are translated
where they are shown.
"""


class Message(str):
    """Swedish text with its msgid and parameters kept for translation."""

    template: str
    params: dict

    def __new__(cls, template: str, /, **params):
        self = super().__new__(cls, template % params if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self):
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict) -> "Message":
    return Message(template, **params)


def msg(template: str, /, **params) -> Message:
    """A message: `template` is the Swedish msgid with %(name)s placeholders."""
    return Message(template, **params)


def N_(text: str) -> str:
    """Marks a label for extraction; it is translated where it is shown."""
    return text
