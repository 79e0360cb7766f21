from .source import SourceCustomPager

__all__ = ["SourceCustomPager"]
