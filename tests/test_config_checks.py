"""Config checks, unit: each mistake is refused with one sentence that names it, and no secret.

`check_config` is what the command line runs on the config files before anything else
(cli/main.py) and what the tap runs on merged settings; tests/test_bad_input.py shows one
mistake end to end (one line on stderr, a non-zero exit, no request).
"""

from __future__ import annotations

from typing import Any

import pytest

from tap_zendesk_objects.config.checks import check_config
from tap_zendesk_objects.errors import ConfigError
from tests.emulator.server_auth import EMAIL, config, oauth_config
from tests.oauth_runs import START_DATE
from tests.singer import FAST_RATES, shown_secrets

API_URL = "http://127.0.0.1:9"
API_TOKEN_CONFIG = {**config(API_URL), **FAST_RATES}
OAUTH_CONFIG = {**oauth_config(API_URL), "start_date": START_DATE}


def refusal(base: dict[str, Any], change: dict[str, Any]) -> str:
    """The sentence `check_config` refuses `base` changed by `change` with (None: left out)."""
    settings = {key: value for key, value in {**base, **change}.items() if value is not None}
    with pytest.raises(ConfigError) as caught:
        check_config(settings)
    message = str(caught.value)
    assert "\n" not in message, "one line"
    assert not shown_secrets(message, settings), "a secret in the message"
    return message


def test_the_base_configs_pass() -> None:
    check_config(API_TOKEN_CONFIG)
    check_config(OAUTH_CONFIG)


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        ({"email": None, "api_token": None}, ["no credentials", "access_token", "api_token"]),
        ({"api_token": None}, ["both `email` and `api_token`", "`api_token` is missing"]),
        ({"email": None}, ["both `email` and `api_token`", "`email` is missing"]),
        ({"subdomain": "acme.zendesk.com.zendesk.com"}, ["'acme.zendesk.com.zendesk.com'"]),
        ({"subdomain": "evil.com/x"}, ["'evil.com/x'", "not a Zendesk subdomain"]),
        ({"subdomain": None}, ["`subdomain` is missing"]),
        ({"start_date": "yesterday"}, ["start_date 'yesterday' is not a date"]),
        ({"start_date": "2024-13-45"}, ["start_date '2024-13-45' is not a date"]),
        ({"max_requests_per_minute": 0}, ["`max_requests_per_minute`", "positive", "not 0"]),
        ({"incremental_requests_per_minute": -5}, ["`incremental_requests_per_minute`", "-5"]),
        ({"incremental_requests_per_minute": "ten"}, ["`incremental_requests_per_minute`"]),
        ({"users_export_requests_per_minute": 0}, ["`users_export_requests_per_minute`", "0"]),
        ({"max_requests_per_minute": 2.5}, ["`max_requests_per_minute`", "2.5"]),
        ({"request_timeout": 0}, ["`request_timeout`"]),
        ({"export_page_size": 5000}, ["`export_page_size`", "1000"]),
        ({"api_url": "ftp://x"}, ["`api_url`"]),
    ],
)
def test_config_mistakes(change: dict[str, Any], needles: list[str]) -> None:
    message = refusal(API_TOKEN_CONFIG, change)
    for needle in needles:
        assert needle in message


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            {"email": EMAIL, "api_token": "an-api-token-that-must-not-show"},
            ["conflicting credentials", "`client_id`/`client_secret`", "`email`/`api_token`"],
        ),
        (
            {"access_token": "an-access-token-that-must-not-show"},
            ["conflicting credentials", "`access_token`"],
        ),
        (
            {"client_secret": None},
            ["`client_id` and `client_secret`", "`client_secret` is missing"],
        ),
        (
            {"client_id": None, "refresh_token": "a-refresh-token-that-must-not-show"},
            ["`client_id` is missing"],
        ),
        ({"oauth_token_lifetime": 100}, ["`oauth_token_lifetime`", "300", "172800", "not 100"]),
        ({"oauth_token_lifetime": 172_800}, ["`oauth_token_lifetime`", "not 172800"]),
        ({"oauth_scope": " "}, ["`oauth_scope` is empty"]),
    ],
)
def test_oauth_config_mistakes(change: dict[str, Any], needles: list[str]) -> None:
    message = refusal(OAUTH_CONFIG, change)
    for needle in needles:
        assert needle in message
