#!/usr/bin/env python
"""Django's command-line utility; configuration errors end it with one line."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import ConfigurationError

    try:
        if sys.argv[1:] == ["prepare_local_state"]:
            # It makes what the settings read (VAR_DIR, the dev keys): it runs before they load.
            from config.local_state import prepare_local_state

            prepare_local_state()
        else:
            execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        sys.exit(f"configuration error: {error}")


if __name__ == "__main__":
    main()
