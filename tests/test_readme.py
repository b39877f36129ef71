"""The README's settings table documents every variable config/settings.py reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_is_in_the_settings_table():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    read |= {f"{name.upper()}_DATABASE_URL" for name in ("users", "projects")}
    read |= {"USERS_SERVICE_URL"}  # read through the manifest's service_url_variable
    read |= {
        f"{name}_FILE" for name in re.findall(r'file_or_value\("([A-Z_]+)"\)', settings_source)
    }
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert read, "no variables found: the pattern is out of date"
    assert missing == []
