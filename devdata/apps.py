"""Demo content and benchmark data: what developers load into a site, kept out of the domain app."""

from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "devdata"
