#include "kring_sandbox.h"

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int kring_no_new_privileges(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : -1; }

#if defined(__x86_64__)
#define KRING_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#define KRING_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

// One call refused: if the number matches, return EPERM; else fall through to the next test.
#define KRING_DENY(number)                                                                                        \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (number), 0, 1),                                                          \
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

int kring_deny_escapes(void) {
    struct sock_filter filter[] = {
        // Another architecture's numbering (a 32-bit call on a 64-bit kernel) would slip past the list: kill.
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, KRING_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
        // x32 calls carry this bit and their own numbers: kill.
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
        KRING_DENY(__NR_execve),
        KRING_DENY(__NR_execveat),
        KRING_DENY(__NR_socket),
        KRING_DENY(__NR_connect),
        KRING_DENY(__NR_bind),
        KRING_DENY(__NR_listen),
        KRING_DENY(__NR_accept4),
        KRING_DENY(__NR_ptrace),
        KRING_DENY(__NR_process_vm_readv),
        KRING_DENY(__NR_process_vm_writev),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {
        .len = (unsigned short)(sizeof(filter) / sizeof(filter[0])),
        .filter = filter,
    };
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0 ? 0 : -1;
}

#else

int kring_no_new_privileges(void) { return -1; }
int kring_deny_escapes(void) { return -1; }

#endif
