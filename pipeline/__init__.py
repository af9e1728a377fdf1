"""Clean scraped news articles with Apache Beam, in three layers, each importing only those before it:

- ``core``: the text work, plain Python that never imports Beam (records, readers, pages, rules, steps, ``clean``);
- ``beam``: the job's pipeline around it (transforms, the job, outputs, writers, runners);
- ``commands``: the command line and each command (``run``, ``eval``, ``audit``, ``rules``, ``explain``,
  ``mine``, ``report``), and the Flex Template launcher.
"""

import logging

# Beam logs this on the root logger when its BigQuery client (the gcp extra) is missing, although nothing here
# uses BigQuery. Only that one message from that logger is dropped; the filter sits on the root logger before
# anything imports Beam, so every other warning still shows.
APITOOLS_NOTICE = "apitools not found, and bigquery client libraries are not available"


def _not_the_apitools_notice(record: logging.LogRecord) -> bool:
    return not (record.name == "root" and str(record.msg).startswith(APITOOLS_NOTICE))


logging.getLogger().addFilter(_not_the_apitools_notice)
