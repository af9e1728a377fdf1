"""Time and peak memory of one near-duplicate signature of a long article (issue 25, case 11).

    /usr/bin/time -f "peak %M KB, %e s" python bench/dedup_signature.py [--words 1700000]

The text is random words of a 50,000-word vocabulary (about 11.5 MB at the default); the digest printed lets
two versions be checked for the same signature.
"""

import argparse
import hashlib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.core.dedup import Signer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=1_700_000)
    words = parser.parse_args().words
    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(50_000)]
    text = " ".join(rng.choice(vocabulary) for _ in range(words))
    signature = Signer(0.7).signature(text)
    print(f"{len(text) / 1e6:.1f} MB of text; signature sha256 {hashlib.sha256(signature).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
