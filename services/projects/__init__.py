"""The projects service: projects and their members, owned by users it knows only by uuid."""
