"""fetch_jena: the Keras Jena climate file (2009-2016), sha256-verified -> argv[1]."""
import sys

from rnnlab.fetch import JENA, fetch

if __name__ == "__main__":
    print(f"wrote {fetch(JENA, sys.argv[1])}")
