"""Region, endpoint and credentials come from arguments, the environment or a profile."""
from __future__ import annotations

import pytest

from swfkit.exceptions import ConfigurationError
from swfkit.layer1 import Layer1


def test_region_and_public_endpoint_from_arguments() -> None:
    swf = Layer1(region="eu-west-1")
    assert (swf.region, swf.endpoint_url) == ("eu-west-1", "https://swf.eu-west-1.amazonaws.com/")


def test_aws_default_region_wins_over_aws_region_as_in_botocore(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import botocore.session

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    assert Layer1().region == "eu-north-1" == botocore.session.Session().get_config_variable("region")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert Layer1().region == "ap-south-1"


def test_endpoint_from_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://general:1")
    assert Layer1().endpoint_url == "http://general:1/"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", "http://127.0.0.1:9999")
    assert Layer1().endpoint_url == "http://127.0.0.1:9999/"
    assert Layer1(endpoint_url="http://argument:2").endpoint_url == "http://argument:2/"


def test_missing_region_names_what_to_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(ConfigurationError, match=r"set AWS_DEFAULT_REGION \(or AWS_REGION\)") as caught:
        Layer1()
    assert caught.value.setting == "region"


def test_missing_credentials_names_what_to_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    swf = Layer1(region="us-east-1", endpoint_url="http://swf.example.com:9")  # credentials: on first use
    with pytest.raises(ConfigurationError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        swf.resolve_credentials()
    with pytest.raises(ConfigurationError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        swf.count_pending_activity_tasks(domain="d", task_list={"name": "t"})  # before anything is sent
    assert swf._transport is None


def test_credentials_are_resolved_once_on_first_use(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The environment is read by the first call, not by the constructor, and then kept."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    swf = Layer1(region="us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "LATERKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "latersecret")
    assert swf.resolve_credentials().access_key == "LATERKEY"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "CHANGED")
    assert swf.resolve_credentials().access_key == "LATERKEY"


def test_building_a_client_imports_no_botocore() -> None:
    import subprocess
    import sys

    code = ("import sys, swfkit.layer1; swfkit.layer1.Layer1(region='us-east-1', endpoint_url='http://127.0.0.1:9'); "
            "print(sorted(m for m in ('requests', 'botocore', 'urllib3', 'http.client') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_profile_gives_region_and_credentials(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config"
    config.write_text("[profile work]\nregion = eu-central-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[work]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = profilesecret\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    swf = Layer1(profile="work")
    assert swf.region == "eu-central-1"
    assert swf.resolve_credentials().get_frozen_credentials().access_key == "PROFILEKEY"


def test_unknown_profile_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="nope"):
        Layer1(profile="nope")


def test_half_explicit_credentials() -> None:
    with pytest.raises(ConfigurationError, match="both"):
        Layer1(region="us-east-1", aws_access_key_id="only-the-id")


@pytest.mark.parametrize("kwargs, match", [
    ({"endpoint_url": "ftp://x"}, "http"), ({"connect_timeout": 0}, "connect_timeout"),
    ({"read_timeout": "30"}, "read_timeout"), ({"pool_size": 0}, "pool_size"),
])
def test_bad_settings(kwargs, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match=match):
        Layer1(region="us-east-1", **kwargs)


def test_proxies_from_environment_are_resolved_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.local:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    swf = Layer1(region="eu-west-1")
    assert swf._transport is None  # opened on the first call
    transport = swf._open_transport()
    assert transport.proxies.get("https") == "http://proxy.local:3128"
    monkeypatch.setenv("HTTPS_PROXY", "http://other:1")
    assert swf._open_transport() is transport and transport.proxies["https"] == "http://proxy.local:3128"
    assert Layer1(region="eu-west-1", trust_env=False)._open_transport().proxies == {}


def test_context_manager_closes() -> None:
    with Layer1(region="us-east-1", endpoint_url="http://127.0.0.1:1") as swf:
        assert repr(swf) == "Layer1(region='us-east-1', endpoint_url='http://127.0.0.1:1/')"


def test_public_names() -> None:
    import swfkit.layer1

    assert swfkit.layer1.__all__ == ["Layer1", "AsyncLayer1"]


def test_pickles_for_worker_processes() -> None:
    import pickle

    swf = Layer1(region="us-east-1", endpoint_url="http://127.0.0.1:1", aws_access_key_id="AK",
                 aws_secret_access_key="SK", max_attempts=2, read_timeout=12.0)
    copy = pickle.loads(pickle.dumps(swf))
    assert (copy.region, copy.endpoint_url, copy.retry_policy.max_attempts) == ("us-east-1", "http://127.0.0.1:1/", 2)
    assert copy.resolve_credentials().get_frozen_credentials().secret_key == "SK"
    assert copy._timeout == (10.0, 12.0)


def test_import_is_cheap_and_does_no_io() -> None:
    import subprocess
    import sys

    code = ("import sys, swfkit.layer1; heavy = [m for m in ('requests', 'botocore', 'urllib3', 'http.client') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_refreshable_credentials_are_followed() -> None:
    """The signer is cached per frozen credentials; a refresh (botocore's) brings a new signer."""
    import datetime as dt

    from botocore.credentials import RefreshableCredentials

    from swfkit.layer1.signing import Signer

    issued = []

    def refresh():  # type: ignore[no-untyped-def]
        issued.append(len(issued))
        expiry = dt.datetime.now(dt.timezone.utc) + (dt.timedelta(seconds=1) if len(issued) == 1 else dt.timedelta(hours=1))
        return {"access_key": "AK%d" % len(issued), "secret_key": "s", "token": "t%d" % len(issued),
                "expiry_time": expiry.isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(refresh(), refresh, "test")
    assert credentials.access_key == "AK2"  # the first set expires within botocore's window: refreshed at once
    signer = Signer(credentials, "us-east-1")
    first = signer.sign("http://h/", {"Host": "h"}, b"{}")
    assert "Credential=AK2/" in first["Authorization"] and first["X-Amz-Security-Token"] == "t2"
    auth = signer._auth
    second = signer.sign("http://h/", {"Host": "h"}, b"{}")
    assert "Credential=AK2/" in second["Authorization"] and signer._auth is auth and len(issued) == 2
    # force an expiry: the next signature uses the credentials botocore refreshes to
    credentials._expiry_time = dt.datetime.now(dt.timezone.utc)
    third = signer.sign("http://h/", {"Host": "h"}, b"{}")
    assert "Credential=AK3/" in third["Authorization"] and third["X-Amz-Security-Token"] == "t3"
    assert signer._auth is not auth


def _no_aws_setup(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SWF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8777", "http://localhost:1", "http://[::1]:2"])
def test_loopback_endpoint_needs_no_aws_configuration(monkeypatch, tmp_path, caplog, url) -> None:  # type: ignore[no-untyped-def]
    _no_aws_setup(monkeypatch, tmp_path)
    swf = Layer1(endpoint_url=url)
    assert swf.region == "us-east-1"
    with caplog.at_level("DEBUG", logger="swfkit.layer1.endpoints"):
        credentials = swf.resolve_credentials()
    assert credentials.access_key == "swfkit-local"
    assert any("dummy" in record.getMessage() and record.levelname == "DEBUG" for record in caplog.records)


def test_loopback_from_the_environment_and_real_settings_kept(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _no_aws_setup(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", "http://127.0.0.1:9")
    assert Layer1().region == "us-east-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "REALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "realsecret")
    swf = Layer1()
    assert swf.region == "eu-west-3"
    assert swf.resolve_credentials().access_key == "REALKEY"


def test_remote_endpoint_gets_no_dummies(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _no_aws_setup(monkeypatch, tmp_path)
    with pytest.raises(ConfigurationError, match="no AWS region"):
        Layer1(endpoint_url="http://swf.example.com:8000")
    swf = Layer1(endpoint_url="http://swf.example.com:8000", region="us-east-1")
    with pytest.raises(ConfigurationError, match="no AWS credentials") as caught:
        swf.resolve_credentials()
    assert caught.value.setting == "credentials"


@pytest.mark.parametrize("url, region", [
    ("https://swf.us-east-1.amazonaws.com", "us-east-1"),
    ("https://swf.eu-west-1.amazonaws.com/", "eu-west-1"),
    ("https://swf-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    ("https://swf.cn-north-1.amazonaws.com.cn", "cn-north-1"),
])
def test_region_inferred_from_an_aws_endpoint_host(monkeypatch, tmp_path, url, region) -> None:  # type: ignore[no-untyped-def]
    _no_aws_setup(monkeypatch, tmp_path)
    assert Layer1(endpoint_url=url).region == region
    assert Layer1(endpoint_url=url, region="ap-south-1").region == "ap-south-1"  # an explicit region wins


@pytest.mark.parametrize("url, why", [
    ("127.0.0.1:8777", "must start with http:// or https://"),
    ("http://", "names no host"),
    ("http://127.0.0.1:port", "Port"),
])
def test_malformed_endpoint_says_so(url, why) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match="malformed") as caught:
        Layer1(endpoint_url=url, region="us-east-1")
    assert why in str(caught.value) and caught.value.setting == "endpoint_url"
