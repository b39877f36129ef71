"""The Django side of errors: the envelope response and DRF's exception handler.

Error codes and domain errors are pure Python and live in ``shared.kit.errors``.
"""
