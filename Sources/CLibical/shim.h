#ifndef KRING_CLIBICAL_SHIM_H
#define KRING_CLIBICAL_SHIM_H

#include <libical/ical.h>

// `icalerrno` is a macro over a per-thread slot returned by a function; Swift cannot import such macros.
static inline icalerrorenum kring_icalerrno(void) {
    return icalerrno;
}

// Reset before a call whose failure is only visible through `icalerrno`.
static inline void kring_icalerrno_clear(void) {
    icalerror_clear_errno();
}

// A hostile file must become an error value, never an abort(): some builds make libical errors fatal.
static inline void kring_ical_errors_not_fatal(void) {
    icalerror_set_errors_are_fatal(0);
}

#endif
