"""Fill the directory with N realistic communities quickly, for benchmarks (see docs/benchmarks.md)."""

from django.core.management.base import BaseCommand

from devdata.bench_data import generate
from devdata.demo import load_search_synonyms


class Command(BaseCommand):
    help = "Add N generated communities (with topics, audiences, regions, engagements) in bulk, and index them."

    def add_arguments(self, parser):
        parser.add_argument("--forums", type=int, required=True, help="How many communities to add.")
        parser.add_argument("--nominations", type=int, default=0, help="Pending nominations to add as well.")
        parser.add_argument("--departments", type=int, default=None, help="Public bodies (default: N/2000, 5-50).")
        parser.add_argument("--seed", type=int, default=2009, help="Random seed: the same seed gives the same data.")

    def handle(self, *args, forums, nominations, departments, seed, **options):
        result = generate(forums, nominations=nominations, departments=departments, seed=seed, log=self.stdout.write)
        self.stdout.write(
            f"Added {result.forums} communities, {result.engagements} engagements with {result.departments} "
            f"public bodies and {result.nominations} pending nominations in {result.seconds:.1f} s "
            f"(search index {result.index_seconds:.1f} s)."
        )
        # The demo's synonym groups, so the benchmark's searches are expanded as on a real site.
        self.stdout.write(f"Search synonyms: {load_search_synonyms()} groups added.")
