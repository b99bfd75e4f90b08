"""Print how well the directory's search finds what people mean: hits@3 and MRR per language.

Runs the relevance set (``devdata/relevance.py``) against this database, which should hold the
demo content (``manage.py load_demo``); ``make relevance`` loads it first. ``-v 2`` lists each query.
"""

from django.core.management.base import BaseCommand

from devdata.relevance import CASES_FILE, TOP, evaluate, read_cases


class Command(BaseCommand):
    help = "Search quality on the relevance set: hits@3 and mean reciprocal rank per language."

    def add_arguments(self, parser):
        parser.add_argument("--cases", default=str(CASES_FILE), help="The TSV file of queries.")

    def handle(self, *args, **options):
        for language, scores in evaluate(read_cases(options["cases"])).items():
            hits = sum(1 for outcome in scores.outcomes if outcome.rank and outcome.rank <= TOP)
            self.stdout.write(
                f"{language}: hits@{TOP} {scores.hits_at_3:.0%} ({hits} of {len(scores.outcomes)}), "
                f"MRR {scores.mean_reciprocal_rank:.2f}"
            )
            for outcome in scores.outcomes:
                if options["verbosity"] > 1 or not (outcome.rank and outcome.rank <= TOP):
                    found = ", ".join(outcome.found[:TOP]) or "nothing"
                    self.stdout.write(f"  [{outcome.rank or '-'}] {outcome.case.query!r}: {found}")
