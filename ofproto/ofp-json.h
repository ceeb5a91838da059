/* ofp-json: the JSON form of decoded OpenFlow 1.3 messages (jansson).
 *
 * Sits on top of the codec: it reads the host-order structs of ofp-msgs,
 * ofp-multipart, ofp-types, ofp-actions and ofp-match and never touches wire
 * bytes.  The sluice-ofp tool prints this form, and the REST API speaks it,
 * so its match and action vocabulary is Ryu's lib/ofctl_v1_3 (ofctl_rest).
 *
 * Ownership.  Every function returns a new reference owned by the caller
 * (json_decref() it), or NULL only when memory runs out.  Nothing keeps a
 * pointer into the decoded message.
 *
 * Conventions of the whole form
 *  - A message is {"type": "FLOW_MOD", "xid": N, "version": 4, ...}; its
 *    body fields follow the specification's / Ryu's names.  Where the
 *    specification's body has its own "type" it is renamed: "err_type"
 *    (ERROR), "group_type" (GROUP_MOD), "multipart_type" (MULTIPART_*).
 *  - Enumerations are numbers (command, reason, flags, config, ...) except
 *    where Ryu's ofctl shapes use names: group types ("ALL"), meter flags
 *    and band types, group/meter features, queue properties, table-feature
 *    properties and roles.  A value without a name (unknown type, unknown
 *    flag bit) appears as a number in the same place, never dropped.
 *  - 64-bit values are JSON integers up to INT64_MAX; above it (jansson
 *    cannot hold them) they are decimal strings, e.g. "18446744073709551615"
 *    (Ryu's str_to_int() reads both back).
 *  - Bytes (packet data, echo/error/experimenter data, opaque OXMs, queue
 *    and band experimenter bodies) are base64 in "data", next to
 *    "data_type": "base64", as Ryu's send_experimenter() and EXPERIMENTER
 *    action input take them.  Inside Ryu's action strings, base64 without a
 *    marker, as Ryu writes them.
 *  - Fixed-size strings (port and table names, desc strings) end at the
 *    first NUL; bytes that are not UTF-8 become U+FFFD (as Python's
 *    decode('utf-8', errors='replace')), so the output is always valid.
 *
 * Match: two renderings of the same values, as ofctl_v1_3 match_to_str():
 *  - ofp_json_match(): OXM names (in_port, eth_dst, ipv4_src, tcp_src ...),
 *    the names Ryu's to_match() and mod_flow_entry take.  Used by every
 *    message but flow stats replies.
 *  - ofp_json_match_ryu(): match_to_str() exactly, with its OpenFlow 1.0
 *    names (dl_src, dl_dst, dl_type, dl_vlan, nw_src, nw_dst, nw_proto,
 *    tp_src, tp_dst).  Used by flow stats replies, as get_flow_stats().
 *  Values: in_port as Ryu's port names ("CONTROLLER", "LOCAL" ...) or a
 *  number; MACs "f2:0b:a4:7d:f8:ea"; IPv4/IPv6 as text; other fields as
 *  numbers.  A mask makes the value a string "value/mask" in the same text
 *  (numbers in decimal, so metadata "4660/65535").  vlan_vid as Ryu:
 *  "0x1000/0x1000" when masked, the VLAN id as a decimal string ("258")
 *  when OFPVID_PRESENT is set, else "0x0000".  When a field appears twice
 *  the first one wins (Ryu's setdefault).  ONF experimenter OXMs that Ryu
 *  names (pbb_uca, tcp_flags, actset_output) get those names.  Every other
 *  OXM (NXM classes, other experimenters, unknown basic fields) is listed
 *  under "oxm_opaque": [{"oxm_class": C, "field": F, "hasmask": bool,
 *  "experimenter": E (class 0xffff only), "data": base64 payload,
 *  "data_type": "base64"}] (payload after the experimenter id).  Ryu
 *  would name the Nicira NXM fields (reg0, pkt_mark ...); we do not.
 *
 * Actions and instructions: two forms.
 *  - Dict form, Ryu's mod_flow_entry / mod_group_entry input vocabulary:
 *    {"type": "OUTPUT", "port": 6, "max_len": 65535}, {"type":
 *    "SET_FIELD", "field": "vlan_vid", "value": 258} (+ "mask" if masked;
 *    an opaque OXM as "oxm": {...} instead), {"type": "PUSH_VLAN",
 *    "ethertype": 33024}, {"type": "GROUP", "group_id": 99},
 *    {"type": "EXPERIMENTER", "experimenter": E, "data": ..,
 *    "data_type": "base64"}; instructions {"type": "GOTO_TABLE",
 *    "table_id": 1}, {"type": "WRITE_METADATA", "metadata": M,
 *    "metadata_mask": K}, {"type": "WRITE_ACTIONS" | "APPLY_ACTIONS",
 *    "actions": [...]}, {"type": "CLEAR_ACTIONS"}, {"type": "METER",
 *    "meter_id": N}.  Numbers stay numbers here (port 4294967293, not
 *    "CONTROLLER"), which Ryu's input accepts.
 *  - String form, Ryu's actions_to_str(): "OUTPUT:2", "OUTPUT:CONTROLLER",
 *    "SET_FIELD: {eth_src:01:02:03:04:05:06}", "PUSH_VLAN:33024",
 *    "GROUP:99", "GOTO_TABLE:1", "WRITE_METADATA:0x1/0xff", "METER:5",
 *    "CLEAR_ACTIONS", {"WRITE_ACTIONS": [strings]}, "EXPERIMENTER:
 *    {experimenter:E, data:BASE64}", Nicira actions as "NX_UNKNOWN:
 *    {subtype: S, data: BASE64}".  Apply-actions are flattened into the
 *    list and an empty write-actions is left out, as Ryu does.  Where Ryu
 *    drops an experimenter instruction we write "EXPERIMENTER_INSTRUCTION:
 *    {experimenter:E, data:BASE64}"; Ryu renders some Nicira subtypes
 *    (resubmit, learn, ct ...) by name, we render every one as NX_UNKNOWN.
 *
 * Which form where.  Messages that carry a request (FLOW_MOD, PACKET_OUT,
 * GROUP_MOD) use the dict form.  FLOW_MOD carries both
 * "instructions" (dict form, one entry per instruction: exact) and
 * "actions" (Ryu's flattened mod_flow_entry form: apply-actions inline,
 * other instructions as their dicts; postable to ofctl_rest as is).
 * Multipart replies use Ryu's get_*_stats() shapes, hence the string form
 * for flow stats "actions" and group desc bucket "actions".
 *
 * Messages, body fields after "type", "xid", "version":
 *   HELLO            "elements": [{"type": "VERSIONBITMAP", "bitmaps": [..],
 *                    "versions": [1, 4]} or {"type": N, "data"}]
 *   ERROR            "err_type", "code", "err_type_name", "code_name" (the
 *                    names when known), "data"; for OFPET_EXPERIMENTER
 *                    "exp_type" and "experimenter" instead of "code"
 *   ECHO_*           "data"
 *   EXPERIMENTER     "experimenter", "exp_type", "data"
 *   FEATURES_REPLY   "datapath_id", "n_buffers", "n_tables",
 *                    "auxiliary_id", "capabilities", "reserved"
 *   *_CONFIG         "flags", "miss_send_len"
 *   PACKET_IN        "buffer_id", "total_len", "reason", "table_id",
 *                    "cookie", "match", "data"
 *   FLOW_REMOVED     "cookie", "priority", "reason", "table_id",
 *                    "duration_sec", "duration_nsec", "idle_timeout",
 *                    "hard_timeout", "packet_count", "byte_count", "match"
 *   PORT_STATUS      "reason", "desc" (ofp_json_port())
 *   PACKET_OUT       "buffer_id", "in_port", "actions" (dict), "data"
 *   FLOW_MOD         "cookie", "cookie_mask", "table_id", "command",
 *                    "idle_timeout", "hard_timeout", "priority",
 *                    "buffer_id", "out_port", "out_group", "flags",
 *                    "match", "instructions", "actions"
 *   GROUP_MOD        "command", "group_type" ("ALL" ..), "group_id",
 *                    "buckets" (ofp_json_buckets())
 *   PORT_MOD         "port_no", "hw_addr", "config", "mask", "advertise"
 *   TABLE_MOD        "table_id", "config"
 *   MULTIPART_*      "multipart_type", "flags", "body" (below)
 *   QUEUE_GET_CONFIG_REQUEST  "port"
 *   QUEUE_GET_CONFIG_REPLY    as Ryu's get_queue_config(): "port" (Ryu's
 *                    name if reserved), "queues": [{"port", "queue_id",
 *                    "properties": [{"property": "MIN_RATE", "rate"},
 *                    {"property": "EXPERIMENTER", "experimenter", "data"}]}]
 *   ROLE_*           "role" ("MASTER" ..), "generation_id"
 *   GET_ASYNC_REPLY, SET_ASYNC  "packet_in_mask", "port_status_mask",
 *                    "flow_removed_mask", each [master/equal, slave]
 *   METER_MOD        "command", "flags" (["KBPS" ..]), "meter_id",
 *                    "bands" (ofp_json_meter_bands())
 *   FEATURES_REQUEST, GET_CONFIG_REQUEST, BARRIER_*, GET_ASYNC_REQUEST
 *                    nothing more; an unknown type: nothing more either.
 *
 * Multipart "body".  Requests: an object for FLOW and AGGREGATE
 * ("table_id", "out_port", "out_group", "cookie", "cookie_mask", "match"),
 * PORT_STATS ("port_no"), QUEUE ("port_no", "queue_id"), GROUP
 * ("group_id"), METER and METER_CONFIG ("meter_id") and EXPERIMENTER
 * ("experimenter", "exp_type", "data"); an array of tables for
 * TABLE_FEATURES; absent for the kinds without a body.  Replies: an object
 * for DESC, AGGREGATE, GROUP_FEATURES, METER_FEATURES and EXPERIMENTER, an
 * array of entries for the others.  Reply entries are those Ryu's
 * get_*_stats() build with to_user=True (port_no, table_id, group_id,
 * meter_id as Ryu's names when reserved; flag lists as names), plus the
 * lengths Ryu reports: flow stats "length" (the real wire length), group
 * stats "length", group desc "length" and bucket "len", meter stats "len".
 */
#ifndef OFPROTO_OFP_JSON_H
#define OFPROTO_OFP_JSON_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-multipart.h"
#include "ofproto/ofp-types.h"

/* ---- messages ---- */

/* Returns the JSON form of 'msg' (any type 0..29, any multipart kind, or an
 * unknown type, which gets only the header fields). */
json_t *ofp_json_msg(const struct ofp_msg *msg);

/* Returns {"multipart_type", "flags", "body"} for multipart request 'req'
 * / reply 'reply': what ofp_json_msg() adds to the header fields. */
json_t *ofp_json_mp_request(const struct ofp_multipart_request *req);
json_t *ofp_json_mp_reply(const struct ofp_multipart_reply *reply);

/* ---- match ---- */

/* Returns 'match' as an object keyed by OXM names (see the file comment). */
json_t *ofp_json_match(const struct ofp_match *match);

/* Returns 'match' as Ryu's match_to_str() does: OpenFlow 1.0 key names. */
json_t *ofp_json_match_ryu(const struct ofp_match *match);

/* Returns one opaque OXM description {"oxm_class", "field", "hasmask",
 * ["experimenter",] "data", "data_type"}; works for any OXM (a known basic
 * field is written with its value bytes in wire order). */
json_t *ofp_json_oxm_opaque(const struct ofp_oxm *oxm);

/* ---- actions and instructions ---- */

/* Returns the dict form of 'action' / of every action of 'list' (an
 * array). */
json_t *ofp_json_action(const struct ofp_action *action);
json_t *ofp_json_actions(const struct ofp_action_list *list);

/* Returns Ryu's string for 'action' (a JSON string) / for every action of
 * 'list' (an array of strings). */
json_t *ofp_json_action_str(const struct ofp_action *action);
json_t *ofp_json_actions_str(const struct ofp_action_list *list);

/* Returns the dict form of 'inst' / of every instruction of 'list' (an
 * array). */
json_t *ofp_json_instruction(const struct ofp_instruction *inst);
json_t *ofp_json_instructions(const struct ofp_instruction_list *list);

/* Returns Ryu's flattened mod_flow_entry "actions" array for 'list':
 * apply-actions inline as action dicts, other instructions as theirs. */
json_t *ofp_json_instructions_ryu(const struct ofp_instruction_list *list);

/* Ryu's actions_to_str() of 'list' (array of strings and
 * {"WRITE_ACTIONS": [...]} objects). */
json_t *ofp_json_instructions_str(const struct ofp_instruction_list *list);

/* ---- shared structures ---- */

/* Returns 'port' as Ryu's get_port_desc() entry: port_no, hw_addr, name,
 * config, state, curr, advertised, supported, peer, curr_speed,
 * max_speed. */
json_t *ofp_json_port(const struct ofp_port *port);

/* Returns the buckets of 'list': [{"weight", "watch_port", "watch_group",
 * "actions"}], actions in dict form (GROUP_MOD). */
json_t *ofp_json_buckets(const struct ofp_bucket_list *list);

/* Returns the bands of 'list' as Ryu's get_meter_config() and
 * mod_meter_entry() have them:
 * [{"type": "DROP", "rate", "burst_size"} + "prec_level" (DSCP_REMARK) or
 * "experimenter" (EXPERIMENTER, with "data" when it has a body)]. */
json_t *ofp_json_meter_bands(const struct ofp_meter_band_list *list);

/* Returns table-features entry 'tf' as Ryu's get_table_features():
 * "table_id", "name", "metadata_match", "metadata_write", "config",
 * "max_entries", "properties": [{"type": "INSTRUCTIONS",
 * "instruction_ids": [{"len", "type"}]}, {"type": "NEXT_TABLES",
 * "table_ids"}, {"type": "WRITE_ACTIONS", "action_ids"}, {"type": "MATCH",
 * "oxm_ids": [{"hasmask", "length", "type": "in_port"}]}, {"type":
 * "EXPERIMENTER", "experimenter", "exp_type", "data"}].  Ids and
 * properties without a name show their numbers ("type": "UNKNOWN" with
 * "oxm_class" and "field" for an OXM id). */
json_t *ofp_json_table_features(const struct ofp_table_features *tf);

/* ---- values ---- */

/* Returns 'v' as a JSON integer, or as a decimal string above INT64_MAX. */
json_t *ofp_json_u64(uint64_t v);

/* Returns port number 'port' as Ryu's ofp_port_to_user(): "IN_PORT",
 * "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER", "LOCAL", "ANY", "MAX"
 * for the reserved values, else the number. */
json_t *ofp_json_port_no(uint32_t port);

/* Returns the fixed-size string 's' (at most 'max' bytes, ending at the
 * first NUL) as a JSON string, invalid UTF-8 replaced by U+FFFD. */
json_t *ofp_json_text(const char *s, size_t max);

/* Returns 'n' bytes at 'data' as a base64 JSON string. */
json_t *ofp_json_base64(const void *data, size_t n);

/* ---- parsing: Ryu's ofctl_rest request bodies (ofp-json-parse.c) ----
 *
 * The other direction: JSON bodies as Ryu's lib/ofctl_v1_3 reads them
 * (mod_flow_entry, mod_group_entry, mod_meter_entry, mod_port_behavior,
 * get_flow_stats / get_aggregate_flow_stats filters) into the host-order
 * structs of the codec, ready for ofp_msg_encode().  The vocabulary is the
 * one above: what these functions accept, ofp_json_match(),
 * ofp_json_action(), ofp_json_instructions_ryu(), ofp_json_buckets() and
 * ofp_json_meter_bands() write.
 *
 * Ownership.  The JSON is only read; nothing keeps a pointer into it.
 * Every array and byte string of a result (OXM lists, action and
 * instruction lists, buckets, bands, experimenter data, opaque OXM payloads)
 * comes from 'arena', so the result lives until the arena is reset or
 * uninitialised.  On error the result must not be used; what was taken from
 * the arena stays there until its reset.  A message result has xid 0 (set
 * it before encoding).
 *
 * Errors.  Each function returns 0, EINVAL when the JSON cannot be used, or
 * ENOMEM when 'arena' cannot grow.  On EINVAL, 'err' (when not NULL, at
 * most 'errlen' bytes, always terminated) names the field by its path in
 * the body and says what is wrong with it:
 *     match.eth_dst: "zz:00" is not a MAC address
 *     actions[2].type: unknown action "FOO"
 *     actions[0].actions[1].port: unknown port name "CONTROLER"
 *     buckets[0].weight: 70000 is out of range (0..65535)
 * Paths start at the body for the message functions ("body: ..." when the
 * body itself is wrong), at "match" for ofp_json_parse_match(), "action"
 * for ofp_json_parse_action() and "actions" for the list functions.
 *
 * Values, as Ryu's str_to_int() and OFCtlUtil read them:
 *  - An integer is a JSON integer or a string holding one in decimal, "0x"
 *    hex, "0o" octal or "0b" binary (Python's int(s, 0): surrounding blanks
 *    allowed, a decimal with a leading zero is not).  Integers above
 *    INT64_MAX can only be strings.  Negative numbers, reals, booleans and
 *    values wider than the field are errors (Ryu would send them truncated
 *    or fail later).  Ryu reads some fields with int() only (ethertype,
 *    TTLs); the wider str_to_int() form is accepted everywhere.
 *  - Reserved numbers may be given by Ryu's names, case-insensitive, with
 *    or without their prefix: ports ("CONTROLLER", "OFPP_LOCAL", "in_port",
 *    "ANY", "MAX" ...; for in_port, out_port, output port, watch_port and
 *    actset_output), tables ("ALL", "MAX"), groups ("ALL", "ANY", "MAX"),
 *    meters ("ALL", "CONTROLLER", "SLOWPATH", "MAX"), queues ("ALL"),
 *    max_len ("MAX", "NO_BUFFER") and buffer_id ("NO_BUFFER",
 *    "OFP_NO_BUFFER").  An unknown name is an error.
 *  - Bytes ("data") are base64 with "data_type": "base64", or the string's
 *    own bytes with "data_type": "ascii" (the default, as Ryu).  Base64 is
 *    strict RFC 4648 with padding (Python's b64decode skips junk; we do not).
 *  - Keys a function does not know are ignored at every level (Ryu ignores
 *    them: "len" of a meter band, "instructions" of a flow, "dpid"), except
 *    inside "match", where an unknown field name is an error.
 *
 * Match (an object of field: value), as Ryu's to_match():
 *  - OXM names (ofp_oxm_field_by_name(): in_port ... ipv6_exthdr, pbb_uca,
 *    tcp_flags, actset_output) and Ryu's OpenFlow 1.0 aliases dl_src,
 *    dl_dst, dl_type, dl_vlan, nw_src, nw_dst, nw_proto, tp_src, tp_dst.
 *    nw_src/nw_dst mean arp_spa/arp_tpa when eth_type (or dl_type) is 0x0806
 *    and the arp_ field is not given; tp_src/tp_dst mean tcp_* or udp_* by
 *    nw_proto (or ip_proto), which must then be 6 or 17.  A field given
 *    twice (eth_dst and dl_dst) is an error.
 *  - Values: in_port a port (name or number); MACs "f2:0b:a4:7d:f8:ea" (or
 *    with '-'); IPv4 and IPv6 addresses as text; every other field a number
 *    (integer or string, above).  vlan_vid as to_match_vid(): a JSON
 *    integer or a decimal string is a VLAN id and gets OFPVID_PRESENT; any
 *    other string ("0x1000", "0x0000") is the raw OXM value.
 *  - Masks, on the fields the specification lets be masked (an error on the
 *    others): "value/mask" in the same notation ("4660/0xffff", "0x1000/
 *    0x1000", "aa:bb:cc:00:00:00/ff:ff:ff:00:00:00"); IP addresses also
 *    "10.0.0.0/24" (the address is kept as given, as netaddr does).
 *  - "oxm_opaque": [{"oxm_class", "field", "hasmask", "experimenter" (class
 *    0xffff only), "data", "data_type": "base64"}] adds OXMs that have no
 *    name, as ofp_json_match() writes them (a known basic field must use its
 *    name).
 *  - The result is ordered as Ryu's OFPMatch: basic fields by field number,
 *    then ONF experimenter fields and opaque OXMs as given.  pbb_uca,
 *    tcp_flags and actset_output are encoded as Ryu's OpenFlow 1.3 does: ONF
 *    experimenter OXMs (pbb_uca in its pre-EXT-256 form).  Prerequisites,
 *    value bits outside the mask and the like are left to
 *    ofp_match_check().
 *
 * Actions (dict form, as Ryu's to_action()): "type" is one of OUTPUT
 * ("port" default ANY, "max_len" default 0xffe5), COPY_TTL_OUT, COPY_TTL_IN,
 * SET_MPLS_TTL ("mpls_ttl"), DEC_MPLS_TTL, PUSH_VLAN, PUSH_MPLS, POP_MPLS,
 * PUSH_PBB ("ethertype"), POP_VLAN, POP_PBB, SET_QUEUE ("queue_id"), GROUP
 * ("group_id"), SET_NW_TTL ("nw_ttl"), DEC_NW_TTL, SET_FIELD ("field" and
 * "value" in the match notation without a mask; vlan_vid is the raw value,
 * no OFPVID_PRESENT added, as Ryu; or "oxm": an opaque description),
 * EXPERIMENTER ("experimenter", "data", "data_type").  Parameters without a
 * default are required.  A set-field of in_port, in_phy_port or metadata,
 * or with a "mask", is an error (OpenFlow 1.3 cannot carry it).
 *
 * Instructions: Ryu's mod_flow_entry "actions" list, which mixes actions
 * and instruction dicts (to_actions()): GOTO_TABLE ("table_id"),
 * WRITE_METADATA ("metadata", "metadata_mask" default all ones), METER
 * ("meter_id"), WRITE_ACTIONS ("actions": a list of actions; left out when
 * empty, as Ryu), CLEAR_ACTIONS; every plain action goes into one
 * APPLY_ACTIONS instruction placed after the others, as Ryu does.  Beyond
 * Ryu, {"type": "APPLY_ACTIONS", "actions": [...]} is accepted too (not
 * together with plain actions).  An instruction type given twice is an
 * error (OpenFlow allows each once).  An experimenter instruction cannot be
 * expressed: {"type": "EXPERIMENTER"} is the action.
 *
 * Lists hold at most OFP_JSON_PARSE_MAX_LIST entries, and a message must
 * encode within 65535 bytes; both are errors naming the list. */

/* Entries in any one JSON list (actions, buckets, bands, flags, opaque
 * OXMs): more could never fit one OpenFlow message. */
#define OFP_JSON_PARSE_MAX_LIST 8192

/* Reads "dpid" of 'body' (an object) as ofctl_rest does (int(str(dpid),
 * 0)): a JSON integer or an integer string, up to 2^64 - 1.  Returns 0 with
 * '*dpid' set, ENOENT if 'body' has no "dpid" or it is null (the caller
 * then uses the URL's), or EINVAL ('err' says why).  Ryu also falls back to
 * the URL for a dpid of 0; we return 0 as a datapath id. */
int ofp_json_parse_dpid(const json_t *body, uint64_t *dpid, char *err,
                        size_t errlen);

/* Parses the match object 'obj' (as Ryu's to_match()) into 'match'
 * (type OFPMT_OXM, OXMs from 'arena').  NULL 'obj' is an empty match. */
int ofp_json_parse_match(const json_t *obj, struct ofp_match *match,
                         struct ofp_arena *arena, char *err, size_t errlen);

/* Parses one action dict 'obj' / an array of them into 'action' / 'list'
 * (a group bucket's "actions", a WRITE_ACTIONS list).  Instruction types
 * are errors here. */
int ofp_json_parse_action(const json_t *obj, struct ofp_action *action,
                          struct ofp_arena *arena, char *err, size_t errlen);
int ofp_json_parse_actions(const json_t *array, struct ofp_action_list *list,
                           struct ofp_arena *arena, char *err, size_t errlen);

/* Parses Ryu's mixed "actions" array of a flow entry ('array', NULL for
 * none) into instructions, as described above. */
int ofp_json_parse_instructions(const json_t *array,
                                struct ofp_instruction_list *list,
                                struct ofp_arena *arena, char *err,
                                size_t errlen);

/* Builds in 'msg' the FLOW_MOD that Ryu's mod_flow_entry() sends for flow
 * body 'body' (POST /stats/flowentry/...), with 'command' an
 * OFPFC_* value (the URL's add, modify, modify_strict, delete,
 * delete_strict).  Keys and defaults: "cookie" 0, "cookie_mask" 0,
 * "table_id" 0, "idle_timeout" 0, "hard_timeout" 0, "priority" 0 (Ryu's
 * default, not OpenFlow's 0x8000), "buffer_id" OFP_NO_BUFFER, "out_port"
 * ANY, "out_group" ANY, "flags" 0, "match" {}, "actions" [] (instructions,
 * above).  Other keys ("dpid", "instructions", ...) are ignored. */
int ofp_json_parse_flow_mod(const json_t *body, uint8_t command,
                            struct ofp_msg *msg, struct ofp_arena *arena,
                            char *err, size_t errlen);

/* Builds the GROUP_MOD of Ryu's mod_group_entry() for 'body' with
 * 'command' (OFPGC_*): "type" ("ALL" default, "SELECT", "INDIRECT", "FF" or
 * a number), "group_id" (default 0), "buckets": [{"weight" 0, "watch_port"
 * ANY, "watch_group" ANY, "actions": [actions]}]. */
int ofp_json_parse_group_mod(const json_t *body, uint16_t command,
                             struct ofp_msg *msg, struct ofp_arena *arena,
                             char *err, size_t errlen);

/* Builds the METER_MOD of Ryu's mod_meter_entry() for 'body' with
 * 'command' (OFPMC_*): "flags" (a name "KBPS", "PKTPS", "BURST", "STATS",
 * a number, or a list of them; default none), "meter_id" (default 0),
 * "bands": [{"type": "DROP" | "DSCP_REMARK" | "EXPERIMENTER" (required),
 * "rate" 0, "burst_size" 0, "prec_level" 0, "experimenter" 0, and, beyond
 * Ryu, "data"/"data_type" for an experimenter band's body}]. */
int ofp_json_parse_meter_mod(const json_t *body, uint16_t command,
                             struct ofp_msg *msg, struct ofp_arena *arena,
                             char *err, size_t errlen);

/* Builds the PORT_MOD of Ryu's mod_port_behavior() for 'body': "port_no"
 * (default 0), "hw_addr" (required), "config" 0, "mask" 0, "advertise"
 * (required).  Nothing is taken from an arena. */
int ofp_json_parse_port_mod(const json_t *body, struct ofp_msg *msg,
                            char *err, size_t errlen);

/* Builds the OFPMP_FLOW (or, when 'aggregate', OFPMP_AGGREGATE) multipart
 * request of Ryu's get_flow_stats() / get_aggregate_flow_stats() for the
 * filter 'body' (NULL: no filter): "table_id" (default ALL), "flags"
 * (multipart flags, 0), "out_port" ANY, "out_group" ANY, "cookie" 0,
 * "cookie_mask" 0, "match" {}.  Ryu also filters the reply by "priority",
 * which OpenFlow cannot ask for: '*priority' (when not NULL) gets it
 * (0..65535) or -1 when absent. */
int ofp_json_parse_flow_stats_request(const json_t *body, bool aggregate,
                                      struct ofp_msg *msg, int32_t *priority,
                                      struct ofp_arena *arena, char *err,
                                      size_t errlen);

#endif /* OFPROTO_OFP_JSON_H */
