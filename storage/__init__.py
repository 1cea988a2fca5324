"""Storage: the only package that imports peewee. Everything else talks to `Repository`."""

from storage.db import StorageError
from storage.repository import Repository

__all__ = ["Repository", "StorageError"]
