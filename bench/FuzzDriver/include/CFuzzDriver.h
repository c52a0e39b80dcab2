// libFuzzer's driver, called from the fuzz target's own main: the package manager gives every executable its own
// `main`, so libFuzzer's cannot be used, and LLVMFuzzerRunDriver is libFuzzer's documented way around that.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
