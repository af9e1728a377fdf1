"""The commands: the command line (``cli``: the parser and dispatch), each command's module, the flag groups
(``options``, ``arguments``) and the Flex Template launcher.

They may import ``pipeline.core`` and ``pipeline.beam``; nothing below imports them.
"""
