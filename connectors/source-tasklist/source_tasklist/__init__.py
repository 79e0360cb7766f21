from .source import SourceTasklist

__all__ = ["SourceTasklist"]
