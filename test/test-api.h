/* test-api: the fixture of the REST API's tests (test-rest-ryu,
 * test-rest-native, test-rest-topo): a real controller (no listeners, no
 * apps unless asked, the topology service when asked) with its REST API on
 * 127.0.0.1 (a free port), fake switches (fake-switch.h) connected to its
 * sessions, and a real HTTP client (libevent's evhttp) in the same loop.
 *
 * Waits run the loop until their condition holds, bounded by
 * FSW_STEP_TIMEOUT; a failed wait fails the running libcheck test. */
#ifndef TEST_TEST_API_H
#define TEST_TEST_API_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include <jansson.h>
#include "controller/controller.h"
#include "rest/api.h"
#include "test/fake-switch.h"

struct tapi {
    struct event_base *base;
    struct sl_controller ctl;
    struct rest_api *api;
    uint16_t port;             /* the REST server's */
};
extern struct tapi tapi;

/* Sets up the fixture.  'token': rest.token (NULL: none).  'apps': NULL,
 * or a YAML list of apps ("[{name: hub}]"), found in the build tree's test
 * plugins and apps directories. */
void tapi_setup(const char *token, const char *apps);
/* As tapi_setup(), with the topology service created on the controller
 * (topo_create(): tapi.ctl.topo) before it starts.  'topology': the
 * config's topology section as a YAML flow mapping, or NULL for
 * TAPI_TOPOLOGY: discovery on, a probe per port every 0.2 s (so tests
 * wait little for one), and links that do not age out while a test runs,
 * even under valgrind (a test of aging sets its own link_timeout). */
void tapi_setup_topo(const char *token, const char *apps,
                     const char *topology);
#define TAPI_TOPOLOGY "{lldp_interval: 0.2, link_timeout: 60}"
/* Tears down either setup (the topology first, if any). */
void tapi_teardown(void);

/* Connects a fake switch, runs its handshake to READY for 'dpid', and
 * settles the flow programmer's reconciliation (tapi_settle()). */
struct fsw *tapi_switch(uint64_t dpid);
/* Answers 'm', which the controller sent to 's', as a switch with no
 * flows would: FLOW_MODs and PACKET_OUTs consumed, a BARRIER_REQUEST and
 * an OFPMP_FLOW request answered.  Anything else fails the test. */
void tapi_answer(struct fsw *s, const struct ofp_msg *m);
/* Answers the flow programmer's traffic on 's' -- an OFPMP_FLOW request
 * with no flows, each BARRIER_REQUEST with its reply, FLOW_MODs consumed
 * -- until the programmer is synced for the switch.  PACKET_OUTs (the
 * topology's LLDP probes) are consumed too; other messages fail the
 * test. */
void tapi_settle(struct fsw *s);

/* Carries one LLDP probe over a link from 'from':'from_port' to
 * 'to':'to_port': waits for the PACKET_OUT the controller sends to 'from'
 * whose actions output to 'from_port' and whose frame is LLDP (consuming
 * what comes before it as tapi_settle() does: other probes, the flow
 * programmer's traffic), then sends its frame as a PACKET_IN on 'to'
 * (reason OFPR_ACTION, match in_port='to_port', no buffer) and waits until
 * the controller read it.  'from' and 'to' may be the same switch. */
void tapi_lldp_pass(struct fsw *from, uint32_t from_port, struct fsw *to,
                    uint32_t to_port);
/* Waits for the probe as tapi_lldp_pass() does and stores its frame in
 * 'frame' (up to 'size' bytes) instead of carrying it; returns its
 * length. */
size_t tapi_lldp_probe(struct fsw *from, uint32_t from_port, uint8_t *frame,
                       size_t size);
/* Sends 'len' bytes of 'frame' as a PACKET_IN on 's' (reason
 * OFPR_NO_MATCH, table 2, match in_port='in_port', no buffer) and waits
 * until the controller read it. */
void tapi_packet_in(struct fsw *s, uint32_t in_port, const void *frame,
                    size_t len);

/* ---- HTTP client ---- */

struct tapi_http;

/* Starts 'method' ("GET", "POST", "PUT", "DELETE") of 'path' (with its
 * query) on the fixture's server, with 'body' (NULL: none) and a bearer
 * 'token' (NULL: no Authorization header).  Returns at once: drive the
 * switch side meanwhile, then tapi_http_wait(). */
struct tapi_http *tapi_http_start(const char *method, const char *path,
                                  const char *body, const char *token);
/* Returns true once the response is complete. */
bool tapi_http_done(const struct tapi_http *);
/* Waits for the response; returns its status (0 if the connection failed). */
int tapi_http_wait(struct tapi_http *);
/* The body (NUL-terminated; owned by the request) and a header (or NULL). */
const char *tapi_http_body(const struct tapi_http *);
const char *tapi_http_header(const struct tapi_http *, const char *name);
/* Parses the body as JSON (a new reference) or fails the test. */
json_t *tapi_http_json(const struct tapi_http *);
void tapi_http_free(struct tapi_http *);

/* Start, wait and parse in one: returns the status; '*json' (if not NULL)
 * gets the body as JSON (a new reference) or fails the test if it is not
 * JSON. */
int tapi_request(const char *method, const char *path, const char *body,
                 const char *token, json_t **json);

#endif /* TEST_TEST_API_H */
