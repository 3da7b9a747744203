"""Issue 11 item 7: repeated failed sign-ins lock out the user and the address, on the admin login and
on the API token endpoint, with a clear translated answer and one audit row; even the right password
is refused until the cool-off has passed or an administrator resets the lock."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from huikuan.accounts.roles import Role
from huikuan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-123"
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


@pytest.fixture
def staffer(make_user):
    return make_user("staffer", Role.FINANCE_MANAGER, is_staff=True)


def admin_login(client, username, password, ip):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def token(client, username, password, ip, language="en"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def lockouts():
    return list(AuditEvent.objects.filter(action="auth.locked_out").values_list("target_type", "data"))


def wind_clock_past_cool_off():
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))


# -- admin ---------------------------------------------------------------------------------------


def test_admin_locks_a_user_guessed_from_many_addresses(staffer):
    client = Client()
    answers = [admin_login(client, "staffer", f"guess{n}", f"10.0.0.{n}").status_code for n in range(LIMIT)]
    assert answers == [200] * (LIMIT - 1) + [429]
    # the right password, from a fresh address, is refused too
    refused = admin_login(client, "staffer", PASSWORD, "10.9.9.9")
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # after the cool-off the user signs in
    wind_clock_past_cool_off()
    assert admin_login(client, "staffer", PASSWORD, "10.9.9.9").status_code == 302


def test_admin_locks_an_address_that_tries_many_users(staffer):
    client = Client()
    for n in range(LIMIT):
        admin_login(client, f"someone{n}", "guess", "10.1.1.1")
    assert admin_login(client, "staffer", PASSWORD, "10.1.1.1").status_code == 429
    # the user is not locked: from elsewhere they sign in
    assert admin_login(Client(), "staffer", PASSWORD, "10.2.2.2").status_code == 302


def test_admin_lockout_speaks_chinese(staffer):
    client = Client()
    for n in range(LIMIT):
        admin_login(client, "staffer", "guess", f"10.0.0.{n}")
    response = client.post(
        "/admin/login/",
        {"username": "staffer", "password": PASSWORD},
        REMOTE_ADDR="10.3.3.3",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


# -- API token -----------------------------------------------------------------------------------


def test_token_endpoint_locks_a_user_until_the_cool_off(api_client, rep):
    client = api_client()
    answers = [token(client, "rep", "nope", f"10.0.0.{n}") for n in range(LIMIT)]
    assert [a.status_code for a in answers] == [400] * (LIMIT - 1) + [429]
    refused = token(client, "rep", PASSWORD, "10.9.9.9")
    assert refused.status_code == 429
    assert refused.json()["code"] == "locked_out"
    assert refused.json()["message"].startswith("Too many failed sign-ins")
    assert int(refused["Retry-After"]) == 15 * 60
    assert "token" not in refused.json()
    wind_clock_past_cool_off()
    assert token(client, "rep", PASSWORD, "10.9.9.9").status_code == 200


def test_token_endpoint_locks_an_address(api_client, rep, make_user):
    client = api_client()
    for n in range(LIMIT):
        token(client, f"user{n}", "nope", "10.4.4.4")
    assert token(client, "rep", PASSWORD, "10.4.4.4").status_code == 429
    assert token(client, "rep", PASSWORD, "10.5.5.5").status_code == 200


def test_an_administrator_lifts_a_lock(api_client, rep):
    client = api_client()
    for n in range(LIMIT):
        token(client, "rep", "nope", f"10.0.0.{n}")
    assert token(client, "rep", PASSWORD, "10.6.6.6").status_code == 429
    call_command("axes_reset_username", "rep")
    assert token(client, "rep", PASSWORD, "10.6.6.6").status_code == 200


def test_token_lockout_speaks_chinese(api_client, rep):
    client = api_client()
    for n in range(LIMIT):
        token(client, "rep", "nope", f"10.0.0.{n}")
    response = token(client, "rep", PASSWORD, "10.7.7.7", language="zh-hans")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["message"]


def test_a_wrong_password_is_a_clear_400(api_client, rep):
    response = token(api_client(), "rep", "nope", "10.0.0.1")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_credentials", "message": "The username or password is wrong."}


# -- audit and addresses -------------------------------------------------------------------------


def test_each_lockout_is_audited_once(api_client, rep):
    client = api_client()
    for n in range(LIMIT + 3):
        token(client, "rep", "nope", f"10.0.0.{n}")
    rows = lockouts()
    assert len(rows) == 1
    target_type, data = rows[0]
    assert target_type == "accounts.user"
    assert data["username"] == "rep"
    assert data["failures"] == LIMIT
    assert AuditEvent.objects.get(action="auth.locked_out").company_id == rep.company_id


def test_a_lockout_of_an_unknown_name_is_audited_on_the_attempt(api_client, db):
    for _n in range(LIMIT):
        token(api_client(), "nobody", "nope", "10.8.8.8")
    assert [t for t, _data in lockouts()] == ["axes.accessattempt"]


def test_behind_a_proxy_the_forwarded_address_counts(settings, api_client, rep):
    settings.HUIKUAN_PROXY_COUNT = 1
    client = api_client()
    for n in range(LIMIT):
        # the client makes up the left part of X-Forwarded-For; the proxy appends the real address
        client.post(
            "/api/v1/auth/token/",
            {"username": f"user{n}", "password": "nope"},
            format="json",
            REMOTE_ADDR="192.168.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    locked = client.post(
        "/api/v1/auth/token/",
        {"username": "rep", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="192.168.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    other = client.post(
        "/api/v1/auth/token/",
        {"username": "rep", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="192.168.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert (locked.status_code, other.status_code) == (429, 200)


def test_the_defaults_are_sensible():
    from django.conf import settings

    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
