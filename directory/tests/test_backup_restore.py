"""Backup and restore (docs/operations.md): a backup restored into a fresh database serves the
same public directory as the original.

The test follows the documented procedure on the database it runs on. PostgreSQL: ``pg_dump
--format=custom`` of the test database, ``pg_restore`` into a new, uniquely named database,
``manage.py migrate`` and ``update_index`` there. SQLite: SQLite's online backup (what
``sqlite3 db.sqlite3 ".backup file"`` does) into a file, copied into place as the restore, then
the same commands. A separate ``manage.py`` process then serves the public data from the
restored database, and it must match what the original serves.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from directory.models import EngagementPreference, ForumPage
from directory.nominations import submit_nomination
from directory.tests.factories import AudienceFactory, DepartmentPageFactory, EngagementFactory, ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details

ROOT = Path(settings.BASE_DIR)
PUBLIC_URLS = [
    "/directory/export.json",
    "/directory/export.csv",
    "/openreferral/services",
    "/openreferral/organizations",
    "/api/v2/pages/?type=directory.ForumPage&fields=*",
    "/api/v2/pages/?type=directory.DepartmentPage&fields=*",
    "/feeds/latest.atom",
    "/sitemap.xml",
    "/directory/",
    "/directory/?audience=carers",
    "/search/?q=support",
    "/directory/restored-community/",
]
# Printed by a manage.py process: each public URL's status and body, as JSON.
RENDER = """
import json
from django.test import Client
client = Client()
pages = {}
for url in URLS:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    pages[url] = [response.status_code, body.decode()]
print("PAGES" + json.dumps(pages))
"""


def comparable(url, body):
    """The body without what differs between any two requests (the export's generation time)."""
    if url.endswith("export.json"):
        data = json.loads(body)
        data.pop("generated_at", None)
        return json.dumps(data, sort_keys=True)
    return body


def public_directory(client):
    pages = {}
    for url in PUBLIC_URLS:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = [response.status_code, body.decode()]
    return pages


def manage(database_url, *arguments):
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def restored_directory(database_url):
    """Run the documented after-restore commands, then serve the public URLs from another process."""
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, "update_index")
    output = manage(database_url, "shell", "-c", f"URLS = {PUBLIC_URLS!r}\n{RENDER}")
    return json.loads(output.split("PAGES", 1)[1])


def postgres_url(name):
    options = connection.settings_dict
    password = f":{options['PASSWORD']}" if options.get("PASSWORD") else ""
    host = options.get("HOST") or "127.0.0.1"
    return f"postgres://{options['USER']}{password}@{host}:{options.get('PORT') or 5432}/{name}"


def postgres_environment():
    options = connection.settings_dict
    environment = {**os.environ, "PGHOST": options.get("HOST") or "127.0.0.1", "PGUSER": options["USER"]}
    environment["PGPORT"] = str(options.get("PORT") or 5432)
    if options.get("PASSWORD"):
        environment["PGPASSWORD"] = options["PASSWORD"]
    return environment


def back_up_and_restore_postgres(scratch):
    """pg_dump the test database and pg_restore it into a new database; yields the new database's URL."""
    dump = scratch / "directory.dump"
    environment = postgres_environment()
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", connection.settings_dict["NAME"]],
        env=environment,
        check=True,
        timeout=300,
    )
    restored = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", restored], env=environment, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            env=environment,
            check=True,
            timeout=300,
        )
        yield postgres_url(restored)
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", restored], env=environment, check=False, timeout=60)


def back_up_and_restore_sqlite(scratch):
    """SQLite's online backup of the live database into a file, then that file copied into place."""
    backup = scratch / "backup.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(backup) as target:
        connection.connection.backup(target)
    target.close()
    restored = scratch / "restored.sqlite3"
    shutil.copyfile(backup, restored)
    yield f"sqlite:///{restored}"


@pytest.fixture
def directory_content(site_tree):
    """A small public directory, with something private beside it that must not matter."""
    carers = AudienceFactory(name="Carers", slug="carers")
    forums = [
        ForumPageFactory(
            parent=site_tree["directory"],
            title=title,
            slug=slug,
            topics=["support", topic],
            audiences=[carers] if number % 2 else [],
            engagement_preference=EngagementPreference.WELCOMES,
            members=1000 + number,
        )
        for number, (title, slug, topic) in enumerate(
            [
                ("Restored Community", "restored-community", "caring"),
                ("Carers Together", "carers-together", "caring"),
                ("Money Support", "money-support", "money"),
            ]
        )
    ]
    for forum in forums:
        forum.save_revision().publish()
    department = DepartmentPageFactory(parent=site_tree["departments"], title="Department of Support", slug="support")
    EngagementFactory(department=department, forum=forums[0])
    department.save_revision().publish()
    submit_nomination(sample_details(title="Waiting Community"), SAMPLE_CONTACT)
    return forums


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_serves_the_same_public_directory(directory_content, tmp_path):
    """Back up with the documented commands, restore into a fresh database: every public URL answers
    the same from the restored copy, in a separate process.

    If this fails, the backup procedure in docs/operations.md does not bring the directory back.
    """
    assert ForumPage.objects.live().count() >= 3
    original = public_directory(Client())
    assert all(status == 200 for status, _body in original.values()), {u: s for u, (s, _b) in original.items()}
    assert "Restored Community" in original["/directory/export.json"][1]

    if connection.vendor == "postgresql":
        restore = back_up_and_restore_postgres(tmp_path)
    else:
        restore = back_up_and_restore_sqlite(tmp_path)
    database_url = next(restore)
    try:
        restored = restored_directory(database_url)
    finally:
        restore.close()

    for url in PUBLIC_URLS:
        assert restored[url][0] == original[url][0], f"{url}: {restored[url][0]} after restore"
        assert comparable(url, restored[url][1]) == comparable(url, original[url][1]), f"{url} differs after restore"
