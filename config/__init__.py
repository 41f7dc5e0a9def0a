"""Settings classes; see :mod:`config.settings`."""

from config.settings import Settings, TestSettings, load_settings

__all__ = ["Settings", "TestSettings", "load_settings"]
