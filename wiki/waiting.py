"""Bounded waiting for `min_position`: a position the log does not have is refused at once (400
`bad_position`), and only a few requests per node wait for one it has; the rest are told at once
to come back (503 `behind`, Retry-After). A handful of cheap requests can then never tie up a
node's workers.

The slots are files in the data folder locked with `flock`, so they count every worker process
of the node together; a slot is released when its request ends (or its process dies)."""

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from events.errors import ValidationError
from events.messages import msg
from events.readmodel import Behind

SLOTS = 3


class BadPosition(ValidationError):
    code = "bad_position"


class WaitSlots:
    def __init__(self, folder: str, count: int = SLOTS):
        self.folder = Path(folder)
        self.count = count

    @contextmanager
    def slot(self):
        """Holds one of the node's waiting slots; Behind at once when every slot is held."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        for n in range(self.count):
            handle = os.open(self.folder / f"slot-{n}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(handle)
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                os.close(handle)
            return
        raise Behind("every waiting slot is taken")


def check_position(min_position: int, head: int) -> None:
    """Refuses a position beyond the log's head: waiting could never end well."""
    if min_position > head:
        raise BadPosition(msg("min_position: loggen har bara %(head)s händelser.", head=head), "min_position")
