"""Making a file's new name durable: after a rename (or a new file) in a folder, the folder's own
entry must reach the disk too."""

import os


def fsync_folder(folder: str) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
