"""The plugin's fixtures for these tests (swfkit's own suite does not load the plugin globally)."""
from swfkit.testing.plugin import swf_domain, swf_env, swf_server, swf_session_server  # noqa: F401
