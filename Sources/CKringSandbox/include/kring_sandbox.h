#ifndef KRING_SANDBOX_H
#define KRING_SANDBOX_H

/// Sets PR_SET_NO_NEW_PRIVS for this process and its children (Linux): no exec can gain privileges again. 0 on
/// success, -1 elsewhere or on failure. Swift cannot call prctl, which is variadic.
int kring_no_new_privileges(void);

/// Installs a seccomp filter (Linux x86_64 and aarch64) that makes the calls a parser of untrusted input never needs
/// fail with EPERM: running programs, the network, tracing or writing other processes. Needs no_new_privileges
/// first. 0 on success, -1 elsewhere or on failure.
int kring_deny_escapes(void);

#endif
