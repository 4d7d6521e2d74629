/* Runs a program with the kernel's "memory deny write execute" on (prctl PR_SET_MDWE, Linux 6.3+): no mapping may be
 * made executable once writable, nor writable and executable at once. The same rule systemd's MemoryDenyWriteExecute=yes
 * enforces with seccomp; .ci/deb-test.sh runs the installed native AOT daemon under it (docs/operations.md, Hardening).
 *   mdwe PROGRAM [ARGS...]     exit 125: the kernel refused (too old), 126: exec failed */
#include <sys/prctl.h>
#include <unistd.h>
#include <stdio.h>
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
int main(int argc, char **argv) {
  if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0) { perror("prctl(PR_SET_MDWE)"); return 125; }
  execv(argv[1], argv + 1); perror("execv"); return 126;
}
