"""Mining a corpus for each site's furniture and drafting rule files for it (``python -m pipeline mine``).

``shapes``, ``tally`` and ``draft`` are the pure part (no Beam): a line's shape with numbers and dates
generalised, counting per site, blocks, rules and reports. The Beam layer is ``pipeline.beam.mine``, the
command ``pipeline.commands.mine``.
"""
