"""The advisory check of ``make audit`` (tools/supply_chain.py), against a stand-in for PyPI."""

from io import StringIO

from tools import supply_chain

ADVISORY = {"id": "PYSEC-2099-1", "fixed_in": [], "withdrawn": None}


def fake_pypi(projects, per_version=False):
    """A fetch that answers like a package index: ``projects`` maps name to (newest version, advisories)."""

    def fetch(url):
        parts = url.removeprefix(supply_chain.PYPI + "/").split("/")
        name = parts[0]
        if name not in projects:
            return None
        newest, advisories = projects[name]
        if len(parts) == 3:  # /<name>/<version>/json
            return {"info": {"version": parts[1]}, "vulnerabilities": advisories} if per_version else None
        return {"info": {"version": newest}, "vulnerabilities": advisories}

    return fetch


def audit(tmp_path, requirements, projects, **options):
    path = tmp_path / "requirements.txt"
    path.write_text(requirements)
    out = StringIO()
    status = supply_chain.main([str(path)], fetch=fake_pypi(projects, **options), out=out)
    return status, out.getvalue()


def test_a_pinned_release_with_an_advisory_fails_the_audit(tmp_path):
    """CI would ship a dependency with a published vulnerability if the check passed it."""
    status, report = audit(
        tmp_path,
        "wagtail==8.0.1\nDjango==5.2.19  # LTS\n",
        {
            "wagtail": ("8.0.1", [ADVISORY]),
            "django": ("5.2.19", []),
        },
    )

    assert status == 1
    assert "VULNERABLE wagtail==8.0.1: PYSEC-2099-1" in report
    assert "Checked 2 of 2" in report


def test_withdrawn_advisories_and_clean_pins_pass(tmp_path):
    """A withdrawn advisory (a false alarm) would block every build until someone edited the check."""
    status, report = audit(
        tmp_path, "whitenoise==6.12.0\n", {"whitenoise": ("6.12.0", [{**ADVISORY, "withdrawn": "2099-01-01"}])}
    )

    assert status == 0
    assert "VULNERABLE" not in report


def test_an_older_pin_is_checked_by_version_or_listed_as_not_covered(tmp_path):
    """An older pin must never pass as checked when no advisory data covered its version."""
    projects = {"django": ("6.1.3", [])}

    status, report = audit(tmp_path, "Django==5.2.19\n", projects)
    assert status == 0
    assert "Checked 0 of 1" in report and "django==5.2.19" in report

    status, report = audit(tmp_path, "Django==5.2.19\n", {"django": ("6.1.3", [ADVISORY])}, per_version=True)
    assert status == 1
    assert "VULNERABLE django==5.2.19" in report


def test_pins_are_read_as_pip_reads_them(tmp_path):
    """A dependency written with extras or a comment would escape the audit if its pin were not read."""
    path = tmp_path / "requirements.txt"
    path.write_text("# tools\n-r other.txt\npsycopg[binary]==3.3.9\nruff==0.17.6 # lint\nhttpx>=0.28\n")

    assert supply_chain.pins([path]) == [("psycopg", "3.3.9"), ("ruff", "0.17.6")]
