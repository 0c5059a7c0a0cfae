"""Reading every file of a data folder while its followers work in it: the index writes and
removes temporary folders and merged segments as the walk goes, so a folder or a file that
vanishes is passed over (it held nothing that is still there)."""

import os
from collections.abc import Iterator
from pathlib import Path


def data_files(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """Each file under `folder` with its bytes, in a stable order."""
    for parent, folders, files in os.walk(folder):  # a folder removed meanwhile is skipped (onerror None)
        folders.sort()
        for name in sorted(files):
            path = Path(parent) / name
            try:
                yield path, path.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
