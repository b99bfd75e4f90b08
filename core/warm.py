"""What Django builds on first use, built once in gunicorn's master before it forks the workers.

gunicorn (``preload_app``) imports the site in its master process and forks every worker from
it. Django imports the URL configuration (Wagtail's admin with it), works out each language's
URL names, loads the translation catalogues, makes routable pages' resolvers and compiles
templates on the first request that needs them, so each new worker (one about every 1,000
requests, as shipped) did all that on its first request while others queued behind it (figures:
docs/benchmarks.md). Built here, every worker starts with them. Nothing here opens a database,
cache or network connection: a connection made before the fork would be shared by every worker.
"""

import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation
from wagtail.contrib.routable_page.models import RoutablePageMixin

logger = logging.getLogger(__name__)


def project_templates():
    """Names of the templates of the project's own apps and folders (not those of installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    folders += [Path(config.path) / "templates" for config in apps.get_app_configs()]
    names = set()
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and folder.is_relative_to(base) and ".venv" not in folder.parts:
            names.update(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
    return sorted(names)


def warm_up():
    """Import the URLs, load every language's URL names and catalogue, make routable pages' resolvers
    and compile the project's templates."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Home")  # loads the language's catalogues
            get_resolver().reverse_dict  # noqa: B018 - imports the URL configuration, names this language's URLs
    for model in apps.get_models():
        if issubclass(model, RoutablePageMixin):
            model.get_resolver()  # a routable page type's sub-addresses, and the views they import
    compiled = 0
    for name in project_templates():
        try:
            get_template(name)
            compiled += 1
        except TemplateSyntaxError:  # a broken template fails its own requests, as it would have anyway
            logger.exception("Template %s could not be compiled", name)
    return compiled
