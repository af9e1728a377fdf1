"""The text core: records, readers, pages, normalising, rules, steps, the cleaner, the ledger, dedup's text side.

Plain functions and classes a notebook, a test or another engine can call; it imports nothing of Beam, nor of
``pipeline.beam`` or ``pipeline.commands`` (tests/test_layers.py checks both).
"""
