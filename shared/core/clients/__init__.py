"""Service clients: how one service calls another, whatever the topology."""

from shared.core.clients.registry import ClientRegistry, clients

__all__ = ["ClientRegistry", "clients"]
