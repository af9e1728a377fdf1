"""Clean scraped news articles into JSONL with Apache Beam.

The text core (``normalize``, ``headline``, ``rules``, ``clean``, ``readers``,
``html``) is plain Python and never imports Beam; ``transforms`` and ``job``
wrap it in Beam, and ``cli`` is the command line.
"""

import logging

# Beam logs this on the root logger when its BigQuery client (the gcp extra) is missing, although nothing here
# uses BigQuery. Only that one message from that logger is dropped; the filter sits on the root logger before
# anything imports Beam, so every other warning still shows.
APITOOLS_NOTICE = "apitools not found, and bigquery client libraries are not available"


def _not_the_apitools_notice(record: logging.LogRecord) -> bool:
    return not (record.name == "root" and str(record.msg).startswith(APITOOLS_NOTICE))


logging.getLogger().addFilter(_not_the_apitools_notice)
