"""The application and its projections, one set per Flask app (and so per process)."""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from events.application import Wiki, store_environment
from events.readmodel import ReadModel


@dataclass
class Services:
    wiki: Wiki
    pages: ReadModel

    @classmethod
    def open(cls, data_dir: str, event_store: str, create_tables: bool = True) -> "Services":
        wiki = Wiki(env=store_environment(data_dir, event_store, create_tables))
        pages = ReadModel(str(Path(data_dir) / "pages.sqlite"), wiki)
        return cls(wiki=wiki, pages=pages)

    def close(self) -> None:
        self.pages.close()
        self.wiki.close()


def services() -> Services:
    return current_app.extensions["lansgrupp"]
