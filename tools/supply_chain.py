"""Known vulnerabilities in the pinned packages, from PyPI's own advisory data (``make audit``).

pip-audit asks PyPI about each exact version (``/pypi/<name>/<version>/json``). A package index
that answers only the project-level query (``/pypi/<name>/json``, whose ``vulnerabilities`` are
those of the newest release) leaves pip-audit skipping every package and passing. This check
covers that case: it asks for the exact version first and, when that is not answered, uses the
project-level advisories for a pin that *is* the newest release. Any open advisory fails it; a
pin it could not check is listed, so nothing passes silently.

Run: ``python -m tools.supply_chain requirements.txt requirements-dev.txt`` (standard library only).
"""

import json
import re
import sys
import urllib.error
import urllib.request

PYPI = "https://pypi.org/pypi"
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def pins(paths):
    """``(name, version)`` for every ``name==version`` line of the requirement files."""
    found = {}
    for path in paths:
        with open(path, encoding="utf-8") as requirements:
            for line in requirements:
                match = PIN.match(line)
                if match:
                    found[match.group(1).lower()] = match.group(2)
    return sorted(found.items())


def fetch(url):
    """The JSON at ``url``, or None when the index has no such page (404)."""
    try:
        # Always an https://pypi.org address built above, never a file: or user-given URL.
        with urllib.request.urlopen(url, timeout=30) as response:  # nosec B310
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def open_advisories(document):
    return [item for item in (document or {}).get("vulnerabilities") or [] if not item.get("withdrawn")]


def check(name, version, fetch=fetch):
    """``(advisories, checked)`` for one pin; ``checked`` is False when no data covered it."""
    exact = fetch(f"{PYPI}/{name}/{version}/json")
    if exact is not None:
        return open_advisories(exact), True
    project = fetch(f"{PYPI}/{name}/json")
    if project is not None and project.get("info", {}).get("version") == version:
        return open_advisories(project), True
    return [], False


def main(paths, fetch=fetch, out=sys.stdout):
    vulnerable, unchecked = [], []
    pinned = pins(paths)
    for name, version in pinned:
        advisories, checked = check(name, version, fetch=fetch)
        if advisories:
            ids = ", ".join(item.get("id", "?") for item in advisories)
            vulnerable.append(f"{name}=={version}: {ids}")
        elif not checked:
            unchecked.append(f"{name}=={version}")
    print(
        f"Checked {len(pinned) - len(unchecked)} of {len(pinned)} pinned packages against PyPI's advisories.", file=out
    )
    if unchecked:
        print(
            "Not covered here (older than the newest release; pip-audit checks them where PyPI answers per version): "
            + ", ".join(unchecked),
            file=out,
        )
    for line in vulnerable:
        print(f"VULNERABLE {line}", file=out)
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.txt", "requirements-dev.txt"]))
