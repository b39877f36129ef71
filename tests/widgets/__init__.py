"""A throwaway third service: known only when a test lists its manifest in SERVICE_MANIFESTS."""
