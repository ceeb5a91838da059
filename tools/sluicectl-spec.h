/* sluicectl-spec: flow SPECs in ovs-ofctl's style, turned into the JSON
 * bodies of Ryu's ofctl_rest (POST /stats/flowentry/add and .../delete).
 *
 * A SPEC is comma-separated key=value tokens, blanks around them ignored:
 *
 *   table=N          table_id (0..254; del-flows 0..255, default 255 = all)
 *   priority=N       0..65535 (add-flow; default 32768 as ovs-ofctl, where
 *                    Ryu's own default is 0)
 *   idle_timeout=N, hard_timeout=N   seconds, 0..65535 (add-flow)
 *   cookie=N         0..2^64-1 (add-flow)
 *   FIELD=VALUE      a match field by its OXM name (in_port, eth_src,
 *                    ipv4_dst, tcp_dst, vlan_vid ...) or one of Ryu's
 *                    OpenFlow 1.0 aliases (dl_src, nw_dst, tp_dst ...).
 *                    The value goes to Ryu as typed: an integer if it is
 *                    all decimal digits, else the string ("0x0800",
 *                    "10.0.0.0/24", "aa:bb:cc:dd:ee:ff", "LOCAL"), which
 *                    Ryu's to_match() reads (for vlan_vid a decimal is a
 *                    VLAN id, a hex string the raw value).
 *   actions=A,A...   last, taking the rest of the SPEC (add-flow only; it
 *                    must be there):
 *     output:N | output:controller|in_port|flood|all|normal|local
 *     drop                     (alone: no actions)
 *     goto_table:N             the GOTO_TABLE instruction
 *     set_field:VALUE->FIELD   decimal or 0x-hex VALUE becomes an integer
 *     push_vlan:ETHERTYPE, pop_vlan, group:N
 *     meter:N                  the METER instruction
 *     write_metadata:V[/M]     the WRITE_METADATA instruction
 *
 * The body is then checked with the very parser the controller applies to
 * it (ofproto/ofp-json.h, ofp_json_parse_flow_mod()), so a SPEC that the
 * controller would refuse is refused here, before anything is sent. */
#ifndef TOOLS_SLUICECTL_SPEC_H
#define TOOLS_SLUICECTL_SPEC_H 1

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum ctl_spec_kind {
    CTL_SPEC_ADD,    /* add-flow: a whole flow, actions required */
    CTL_SPEC_DELETE, /* del-flows: table= and match fields only */
};

/* Parses 'spec' into the body for datapath 'dpid': for CTL_SPEC_ADD
 * {"dpid", "table_id", "priority", ["idle_timeout", "hard_timeout",
 * "cookie",] "match", "actions"}, for CTL_SPEC_DELETE {"dpid", "table_id",
 * "match"}.  Returns a new reference, or NULL with 'err' (at most 'errlen'
 * bytes) naming the bad token and what is wrong with it. */
json_t *ctl_spec_parse(const char *spec, enum ctl_spec_kind kind,
                       uint64_t dpid, char *err, size_t errlen);

#endif /* TOOLS_SLUICECTL_SPEC_H */
