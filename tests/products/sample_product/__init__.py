"""A minimal product package used to prove the front doors mount whatever the registry lists."""

__all__: list[str] = []
