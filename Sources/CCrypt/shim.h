// The system libcrypt (libxcrypt on Debian): crypt_r and crypt_gensalt_rn, thread-safe.
#include <crypt.h>
