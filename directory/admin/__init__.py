"""Wagtail admin additions for the directory, one module per area; loaded by ``wagtail_hooks``."""
