from .source import SourceNestedConfig

__all__ = ["SourceNestedConfig"]
