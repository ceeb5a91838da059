/* test-loop: bounded event-loop helpers for the tests that drive libevent
 * (test-conn, test-datapath, test-hotpath).  Header-only, so tests that do
 * not use libevent need not link it.
 *
 * Every wait is bounded by a deadline on the monotonic clock, and a
 * persistent no-op timer (test_loop_tick_cb, armed by the test) bounds
 * each pass of the loop, so a condition is re-checked even when nothing
 * happens. */
#ifndef TEST_TEST_LOOP_H
#define TEST_TEST_LOOP_H 1

#include <event2/event.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double
test_loop_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A timer callback that does nothing: its only job is to end a pass. */
static inline void
test_loop_tick_cb(evutil_socket_t fd, short what, void *aux)
{
    (void) fd;
    (void) what;
    (void) aux;
}

/* Runs 'BASE' until 'COND' holds or 'SECS' seconds passed; yields whether
 * 'COND' holds. */
#define TEST_LOOP_UNTIL(BASE, COND, SECS)                                     \
    ({                                                                        \
        double deadline_ = test_loop_now() + (SECS);                          \
        while (!(COND) && test_loop_now() < deadline_) {                      \
            event_base_loop(BASE, EVLOOP_ONCE);                               \
        }                                                                     \
        !!(COND);                                                             \
    })

/* Runs 'base' for 'secs' seconds. */
static inline void
test_loop_run_for(struct event_base *base, double secs)
{
    double deadline = test_loop_now() + secs;
    while (test_loop_now() < deadline) {
        event_base_loop(base, EVLOOP_ONCE);
    }
}

#endif /* TEST_TEST_LOOP_H */
