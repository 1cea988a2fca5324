"""What a CLI subcommand gets: the config, the environment, output streams, the Repository."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TextIO

from bot.config import Config, load_config
from storage import Repository

log = logging.getLogger(__name__)


@dataclass
class Context:
    """Built once per CLI run; the config is loaded and the database opened on first use."""

    config_path: Path | None
    env: Mapping[str, str]
    stdout: TextIO
    stderr: TextIO
    _repository: Repository | None = field(default=None, init=False)

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)

    def repository(self, *, upgrade: bool = True) -> Repository:
        """The open Repository; `upgrade` applies pending migrations first."""
        if self._repository is None:
            self._repository = Repository.open(self.config.storage.url)
            if upgrade:
                self._repository.upgrade()
        return self._repository

    def close(self) -> None:
        if self._repository is not None:
            self._repository.close()
