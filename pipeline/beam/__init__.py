"""The Beam layer: the job's pipeline, its transforms, the output folder, writers, rule files on Beam's filesystems
and the runners.

It builds on ``pipeline.core`` and may import it and Beam, never ``pipeline.commands``.
"""
