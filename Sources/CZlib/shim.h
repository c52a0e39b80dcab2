// The system zlib (zlib1g-dev on Debian): gzip members read one after another, with the end of each stream seen.
#include <zlib.h>
