"""Two-step verification for editors (core/two_factor.py): a code from an authenticator app after
the password, optional for each editor, required for all with DIRECTORY_REQUIRE_2FA."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a long editor passphrase"


@pytest.fixture(autouse=True)
def no_code_throttle(settings):
    """django-otp makes each wrong code double the wait before the next try; the tests that type a
    wrong code and then the right one would otherwise need to sleep."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def app(editor):
    """The editor's authenticator app, set up and confirmed."""
    return TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)


def sign_in(client):
    return client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})


@pytest.mark.django_db
def test_without_an_app_the_password_is_enough(client, editor):
    """Two-step verification is optional: an editor who has not set it up would be locked out of
    the admin if it asked them for a code."""
    sign_in(client)

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_with_an_app_the_password_alone_does_not_open_the_admin(client, app):
    """A stolen password would open an editor's account despite their authenticator app if the
    admin did not ask for the code after it."""
    response = sign_in(client)
    assert response.status_code == 302

    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2Fpages%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Code from your authenticator app" in page.content.decode()


@pytest.mark.django_db
def test_the_right_code_opens_the_admin_and_returns_the_editor_where_they_were(client, app):
    """Editors who set up an app could never get in if a right code were refused, and would lose
    their place if sent to the dashboard instead of the page they asked for."""
    sign_in(client)

    response = client.post("/admin/two-factor/", {"code": current_code(app), "next": "/admin/pages/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_message(client, app):
    """Anyone with the password could get in with a made-up code if codes were not checked."""
    sign_in(client)
    wrong = f"{(int(current_code(app)) + 1) % 1_000_000:06d}"

    response = client.post("/admin/two-factor/", {"code": wrong, "next": "/admin/"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_slow_down_further_tries(client, app, settings):
    """Someone with the password could try all million codes if wrong codes cost nothing."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    sign_in(client)
    client.post("/admin/two-factor/", {"code": "000000" if current_code(app) != "000000" else "111111"})

    response = client.post("/admin/two-factor/", {"code": current_code(app), "next": "/admin/"})

    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


@pytest.mark.django_db
def test_the_code_page_only_returns_to_this_site(client, app):
    """A phishing link could send an editor who has just typed their code to a look-alike site if
    the page followed any ``next`` address."""
    sign_in(client)

    response = client.post("/admin/two-factor/", {"code": current_code(app), "next": "https://evil.example/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_an_editor_sets_up_an_app_from_their_account(client, editor):
    """Editors could not protect their accounts if the setup page did not give them a key their
    app accepts and then turn the check on."""
    client.force_login(editor)
    account = client.get("/admin/account/")
    assert "/admin/two-factor/setup/" in account.content.decode()

    page = client.get("/admin/two-factor/setup/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", html).group(1)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert key.replace(" ", "") in device.config_url

    response = client.post("/admin/two-factor/setup/", {"code": current_code(device), "next": "/admin/"})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # this session has given its code
    client.logout()
    sign_in(client)
    assert client.get("/admin/").status_code == 302  # the next sign-in asks for one


@pytest.mark.django_db
def test_an_editor_can_turn_it_off_when_it_is_optional(client, app):
    """An editor who changes phone would be stuck with a dead app if they could not turn the check off."""
    sign_in(client)
    client.post("/admin/two-factor/", {"code": current_code(app)})

    response = client.post("/admin/two-factor/remove/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=app.user).exists()


@pytest.mark.django_db
def test_when_required_every_editor_must_set_up_an_app(client, editor, settings):
    """With DIRECTORY_REQUIRE_2FA on, an editor without an app could still work with just a
    password if the admin did not send them to set one up, and could turn it off afterwards."""
    settings.DIRECTORY_REQUIRE_2FA = True
    sign_in(client)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/setup/")
    assert "must use two-step verification" in client.get(response["Location"]).content.decode()

    device = TOTPDevice.objects.get(user=editor)
    client.post("/admin/two-factor/setup/", {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200

    client.post("/admin/two-factor/remove/")
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


@pytest.mark.django_db
def test_signing_in_and_out_stay_open_to_an_editor_who_owes_a_code(client, app):
    """An editor who cannot find their phone would be trapped in a redirect loop if sign-out and
    the sign-in page also demanded the code."""
    sign_in(client)

    login_page = client.get("/admin/login/")
    assert not login_page.get("Location", "").startswith("/admin/two-factor/")
    response = client.post("/admin/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_administrator_can_turn_it_off_for_an_editor_who_lost_their_phone(client, app):
    """An editor whose phone is lost would be shut out of the admin for good if nobody could
    remove their app."""
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    call_command("two_factor_off", "editor", stdout=output)

    assert "Two-step verification is off for editor (1 app(s) removed)." in output.getvalue()
    sign_in(client)
    assert client.get("/admin/").status_code == 200
