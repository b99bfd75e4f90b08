"""A web process, as far as the facet index goes: answers "counts" on stdin with what a listing would show.

Run by test_facet_index_shared.py against the test's database and Redis. It also says how many
indexes it built itself (it should copy the ones the publishing process shared).
"""

import json
import sys

import django


def main():
    django.setup()
    from django.utils import translation

    from directory.listing import facet_build, facet_index
    from directory.listing.engine import Engine

    builds = []
    build = facet_build.build

    def counting_build(*args, **kwargs):
        builds.append(1)
        return build(*args, **kwargs)

    facet_index.build = counting_build
    translation.activate("en")
    for line in sys.stdin:
        if line.strip() != "counts":
            continue
        engine = Engine()
        answer = {
            "ids": list(engine.index.ids),
            "topics": engine.counts("topic", engine.everything),
            "version": list(engine.index.version),
            "builds": len(builds),
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
