"""Clean scraped news articles into JSONL with Apache Beam.

The text core (``normalize``, ``headline``, ``rules``, ``clean``, ``readers``,
``html``) is plain Python and never imports Beam; ``transforms`` and ``job``
wrap it in Beam, and ``cli`` is the command line.
"""
