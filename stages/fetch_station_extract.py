"""fetch_station_extract: the real June-October 2024 station extract (native format) from $DATA_MIRROR -> argv[1]."""
import sys

from rnnlab.fetch import STATION_2024_EXTRACT, fetch

if __name__ == "__main__":
    print(f"wrote {fetch(STATION_2024_EXTRACT, sys.argv[1])}")
