"""Load the demo directory: the home page, the section pages, the communities and departments
the seed document names, and the Welsh site (a few pages translated, the rest mirrored in
English). Idempotent: running it again changes nothing."""

from django.core.management.base import BaseCommand

from devdata.demo import load_demo_content, load_search_synonyms, load_welsh_demo_content
from directory.site_tree import ensure_directory_tree
from home.site_setup import ensure_home_page


class Command(BaseCommand):
    help = "Set up the page tree and load the demo communities and departments (idempotent)."

    def handle(self, *args, **options):
        home = ensure_home_page()
        sections = ensure_directory_tree(home)
        self.stdout.write(f"Page tree ready: {home.title} with {', '.join(sections)}.")
        result = load_demo_content(sections)
        self.stdout.write(f"Communities: {result.forums}.")
        self.stdout.write(f"Departments: {result.departments}.")
        self.stdout.write(f"Search synonyms: {load_search_synonyms()} groups added.")
        translated = load_welsh_demo_content(home, sections)
        self.stdout.write(f"Welsh site ready: {translated} pages newly translated, the rest shown in English.")
