#!/usr/bin/python3
"""osken_interop: Sluice's OpenFlow 1.3 codec against os-ken, both ways.

Run with the Python that has os_ken (Debian's /usr/bin/python3):

    osken_interop.py --gen test/interop-gen --tool tools/sluice-ofp
                     [--seed N] [--rounds N] [--count N]

(a) Our encodings -> os-ken.  interop-gen writes messages of every kind with
    random values through our encoder, each with its own JSON description of
    the values it set.  os-ken parses every message it has a parser for and
    every field it decoded is compared with that description.  For every
    kind os-ken can encode, os-ken also builds the same message from the
    description and its bytes must equal ours.  `sluice-ofp roundtrip`
    also reads every one of them back and must re-encode the same bytes.

    os-ken parses the switch side (PACKET_IN, FEATURES_REPLY, PORT_STATUS,
    FLOW_REMOVED, every multipart reply, ...) and FLOW_MOD; it encodes the
    controller side (FLOW_MOD, PACKET_OUT, GROUP_MOD, METER_MOD, every
    multipart request, ROLE_REQUEST, SET_ASYNC, ...).  Every kind gets at
    least one of the two checks.

(b) os-ken encodings -> us.  This script builds random messages with
    os-ken's encoder (every kind os-ken can serialise), has
    `sluice-ofp decode --compact` read them and compares every field of our
    JSON form with the values set here; `sluice-ofp roundtrip` must give the
    same bytes back.  os-ken cannot encode switch-side messages (no
    serialiser for PACKET_IN, FEATURES_REPLY, multipart replies...) nor
    HELLO elements: those are covered by (a) only.

Where os-ken departs from OpenFlow 1.3.5 the departure is named where it is
worked around: OFPHello.parser and hello padding (o_hello), the experimenter
multipart reply (o_mp_reply_body), OFPPacketOut without actions
(osken_build), oxm_length in table-feature OXM ids (OxmIdWithLength).

Output is TAP: one line per direction and message kind with counts, then a
summary.  The seed is printed so a failure can be reproduced with --seed.
Exit status 0 when everything agrees, 1 otherwise.
"""

import argparse
import base64
import ipaddress
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

from os_ken.ofproto import ofproto_parser
from os_ken.ofproto import ofproto_v1_3 as ofp
from os_ken.ofproto import ofproto_v1_3_parser as p


class FakeDatapath(object):
    """What os-ken's parsers and serialisers need of a datapath."""
    ofproto = ofp
    ofproto_parser = p
    id = 1

    def set_xid(self, msg):
        pass


DP = FakeDatapath()

TYPE_NAMES = [
    "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
    "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
    "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
    "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
    "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST",
    "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY",
    "ROLE_REQUEST", "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY",
    "SET_ASYNC", "METER_MOD",
]
TYPE_CODES = dict((n, i) for i, n in enumerate(TYPE_NAMES))

MP_NAMES = {
    0: "DESC", 1: "FLOW", 2: "AGGREGATE", 3: "TABLE", 4: "PORT_STATS",
    5: "QUEUE", 6: "GROUP", 7: "GROUP_DESC", 8: "GROUP_FEATURES",
    9: "METER", 10: "METER_CONFIG", 11: "METER_FEATURES",
    12: "TABLE_FEATURES", 13: "PORT_DESC", 0xffff: "EXPERIMENTER",
}
MP_CODES = dict((n, i) for i, n in MP_NAMES.items())

ACTION_NAMES = {
    0: "OUTPUT", 11: "COPY_TTL_OUT", 12: "COPY_TTL_IN", 15: "SET_MPLS_TTL",
    16: "DEC_MPLS_TTL", 17: "PUSH_VLAN", 18: "POP_VLAN", 19: "PUSH_MPLS",
    20: "POP_MPLS", 21: "SET_QUEUE", 22: "GROUP", 23: "SET_NW_TTL",
    24: "DEC_NW_TTL", 25: "SET_FIELD", 26: "PUSH_PBB", 27: "POP_PBB",
    0xffff: "EXPERIMENTER",
}
ACTION_CODES = dict((n, i) for i, n in ACTION_NAMES.items())

INST_NAMES = {
    1: "GOTO_TABLE", 2: "WRITE_METADATA", 3: "WRITE_ACTIONS",
    4: "APPLY_ACTIONS", 5: "CLEAR_ACTIONS", 6: "METER",
}
INST_CODES = dict((n, i) for i, n in INST_NAMES.items())

# OpenFlow-basic fields 0..39 (OpenFlow 1.3.5, table 12): name, number,
# kind, width in bytes, maskable, valid value bits.
FIELDS = [
    ("in_port", 0, "int", 4, False, 0xffffffff),
    ("in_phy_port", 1, "int", 4, False, 0xffffffff),
    ("metadata", 2, "int", 8, True, (1 << 64) - 1),
    ("eth_dst", 3, "mac", 6, True, 0),
    ("eth_src", 4, "mac", 6, True, 0),
    ("eth_type", 5, "int", 2, False, 0xffff),
    ("vlan_vid", 6, "int", 2, True, 0x1fff),
    ("vlan_pcp", 7, "int", 1, False, 0x7),
    ("ip_dscp", 8, "int", 1, False, 0x3f),
    ("ip_ecn", 9, "int", 1, False, 0x3),
    ("ip_proto", 10, "int", 1, False, 0xff),
    ("ipv4_src", 11, "ipv4", 4, True, 0xffffffff),
    ("ipv4_dst", 12, "ipv4", 4, True, 0xffffffff),
    ("tcp_src", 13, "int", 2, False, 0xffff),
    ("tcp_dst", 14, "int", 2, False, 0xffff),
    ("udp_src", 15, "int", 2, False, 0xffff),
    ("udp_dst", 16, "int", 2, False, 0xffff),
    ("sctp_src", 17, "int", 2, False, 0xffff),
    ("sctp_dst", 18, "int", 2, False, 0xffff),
    ("icmpv4_type", 19, "int", 1, False, 0xff),
    ("icmpv4_code", 20, "int", 1, False, 0xff),
    ("arp_op", 21, "int", 2, False, 0xffff),
    ("arp_spa", 22, "ipv4", 4, True, 0xffffffff),
    ("arp_tpa", 23, "ipv4", 4, True, 0xffffffff),
    ("arp_sha", 24, "mac", 6, True, 0),
    ("arp_tha", 25, "mac", 6, True, 0),
    ("ipv6_src", 26, "ipv6", 16, True, 0),
    ("ipv6_dst", 27, "ipv6", 16, True, 0),
    ("ipv6_flabel", 28, "int", 4, True, 0xfffff),
    ("icmpv6_type", 29, "int", 1, False, 0xff),
    ("icmpv6_code", 30, "int", 1, False, 0xff),
    ("ipv6_nd_target", 31, "ipv6", 16, False, 0),
    ("ipv6_nd_sll", 32, "mac", 6, False, 0),
    ("ipv6_nd_tll", 33, "mac", 6, False, 0),
    ("mpls_label", 34, "int", 4, False, 0xfffff),
    ("mpls_tc", 35, "int", 1, False, 0x7),
    ("mpls_bos", 36, "int", 1, False, 0x1),
    ("pbb_isid", 37, "int", 3, True, 0xffffff),
    ("tunnel_id", 38, "int", 8, True, (1 << 64) - 1),
    ("ipv6_exthdr", 39, "int", 2, True, 0x1ff),
]
FIELD_BY_NAME = dict((f[0], f) for f in FIELDS)


# ---- the common description form (see test/interop-gen.c) ----

def norm_value(name, v):
    """Returns field 'name''s value 'v' in one canonical spelling."""
    kind = FIELD_BY_NAME[name][2] if name in FIELD_BY_NAME else "int"
    if kind == "mac":
        return ":".join("%02x" % int(x, 16) for x in str(v).split(":"))
    if kind == "ipv4":
        return str(ipaddress.IPv4Address(v))
    if kind == "ipv6":
        return ipaddress.IPv6Address(v).exploded
    return int(v)


def norm_oxm(d):
    out = {"field": d["field"], "value": norm_value(d["field"], d["value"])}
    if d.get("mask") is not None:
        out["mask"] = norm_value(d["field"], d["mask"])
    return out


def normalize(d):
    """Canonical spelling of field values everywhere in a description."""
    if isinstance(d, list):
        return [normalize(x) for x in d]
    if not isinstance(d, dict):
        return d
    out = {}
    for k, v in d.items():
        if k == "match":
            out[k] = [norm_oxm(x) for x in v]
        elif k == "field" and isinstance(v, dict):
            out[k] = norm_oxm(v)
        else:
            out[k] = normalize(v)
    return out


def diff(exp, got, path, errs):
    """Appends to 'errs' every place where 'got' lacks or differs from a
    value of 'exp' (keys only in 'got' are ignored)."""
    if len(errs) > 20:
        return
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            errs.append("%s: expected an object, got %r" % (path, got))
            return
        for k, v in exp.items():
            if k not in got:
                errs.append("%s.%s: missing (expected %r)" % (path, k, v))
            else:
                diff(v, got[k], "%s.%s" % (path, k), errs)
    elif isinstance(exp, list):
        if not isinstance(got, list) or len(got) != len(exp):
            errs.append("%s: expected %r, got %r" % (path, exp, got))
            return
        for i, (e, g) in enumerate(zip(exp, got)):
            diff(e, g, "%s[%d]" % (path, i), errs)
    elif exp != got or type(exp) is bool and type(got) is not bool:
        errs.append("%s: expected %r, got %r" % (path, exp, got))


def kind_of(d):
    if d["type"] in ("MULTIPART_REQUEST", "MULTIPART_REPLY"):
        return "%s_%s" % (d["type"], d["mp_type"])
    return d["type"]


def cstr(b):
    """A fixed-size string field as text, up to the first NUL."""
    if isinstance(b, str):
        b = b.encode("latin-1")
    return bytes(b).split(b"\0")[0].decode("latin-1")


def hexb(b):
    if b is None:
        return ""
    if isinstance(b, list):
        b = bytes(b)
    return bytes(b).hex()


# ---- os-ken objects -> description ----

def o_match(m):
    out = []
    for k, uv in m._fields2:
        if isinstance(uv, tuple):
            out.append(norm_oxm({"field": k, "value": uv[0], "mask": uv[1]}))
        else:
            out.append(norm_oxm({"field": k, "value": uv}))
    return out


def o_action(a):
    t = a.type
    d = {"type": ACTION_NAMES.get(t, t)}
    if t == ofp.OFPAT_OUTPUT:
        d.update(port=a.port, max_len=a.max_len)
    elif t == ofp.OFPAT_SET_MPLS_TTL:
        d["mpls_ttl"] = a.mpls_ttl
    elif t == ofp.OFPAT_SET_NW_TTL:
        d["nw_ttl"] = a.nw_ttl
    elif t in (ofp.OFPAT_PUSH_VLAN, ofp.OFPAT_PUSH_MPLS, ofp.OFPAT_POP_MPLS,
               ofp.OFPAT_PUSH_PBB):
        d["ethertype"] = a.ethertype
    elif t == ofp.OFPAT_SET_QUEUE:
        d["queue_id"] = a.queue_id
    elif t == ofp.OFPAT_GROUP:
        d["group_id"] = a.group_id
    elif t == ofp.OFPAT_SET_FIELD:
        d["field"] = norm_oxm({"field": a.key, "value": a.value})
    elif t == ofp.OFPAT_EXPERIMENTER:
        d.update(experimenter=a.experimenter, data=hexb(a.data))
    return d


def o_inst(i):
    t = i.type
    d = {"type": INST_NAMES.get(t, t)}
    if t == ofp.OFPIT_GOTO_TABLE:
        d["table_id"] = i.table_id
    elif t == ofp.OFPIT_WRITE_METADATA:
        d.update(metadata=i.metadata, metadata_mask=i.metadata_mask)
    elif t in (ofp.OFPIT_WRITE_ACTIONS, ofp.OFPIT_APPLY_ACTIONS):
        d["actions"] = [o_action(a) for a in i.actions]
    elif t == ofp.OFPIT_CLEAR_ACTIONS:
        if i.actions:
            d["actions"] = [o_action(a) for a in i.actions]
    elif t == ofp.OFPIT_METER:
        d["meter_id"] = i.meter_id
    return d


def o_port(port):
    return {
        "port_no": port.port_no, "hw_addr": norm_value("eth_src",
                                                       port.hw_addr),
        "name": cstr(port.name), "config": port.config, "state": port.state,
        "curr": port.curr, "advertised": port.advertised,
        "supported": port.supported, "peer": port.peer,
        "curr_speed": port.curr_speed, "max_speed": port.max_speed,
    }


def o_bucket(b):
    return {"weight": b.weight, "watch_port": b.watch_port,
            "watch_group": b.watch_group,
            "actions": [o_action(a) for a in b.actions]}


def o_band(b):
    d = {"type": b.type, "rate": b.rate, "burst_size": b.burst_size}
    if b.type == ofp.OFPMBT_DSCP_REMARK:
        d["prec_level"] = b.prec_level
    elif b.type == ofp.OFPMBT_EXPERIMENTER:
        d["experimenter"] = b.experimenter
    return d


def o_tf_prop(prop):
    t = prop.type
    d = {"type": t}
    if t in (ofp.OFPTFPT_INSTRUCTIONS, ofp.OFPTFPT_INSTRUCTIONS_MISS):
        d["instruction_ids"] = [i.type for i in prop.instruction_ids]
    elif t in (ofp.OFPTFPT_NEXT_TABLES, ofp.OFPTFPT_NEXT_TABLES_MISS):
        d["table_ids"] = list(prop.table_ids)
    elif t in (ofp.OFPTFPT_WRITE_ACTIONS, ofp.OFPTFPT_WRITE_ACTIONS_MISS,
               ofp.OFPTFPT_APPLY_ACTIONS, ofp.OFPTFPT_APPLY_ACTIONS_MISS):
        d["action_ids"] = [a.type for a in prop.action_ids]
    elif t in (ofp.OFPTFPT_EXPERIMENTER, ofp.OFPTFPT_EXPERIMENTER_MISS):
        d.update(experimenter=prop.experimenter, exp_type=prop.exp_type,
                 data=b"".join(struct.pack("!I", x)
                               for x in prop.data).hex())
    else:
        d["oxm_ids"] = [{"field": o.type, "hasmask": bool(o.hasmask),
                         "length": o.length} for o in prop.oxm_ids]
    return d


def o_table_features(tf):
    return {"table_id": tf.table_id, "name": cstr(tf.name),
            "metadata_match": tf.metadata_match,
            "metadata_write": tf.metadata_write, "config": tf.config,
            "max_entries": tf.max_entries,
            "properties": [o_tf_prop(x) for x in tf.properties]}


def o_flow_stats(s):
    return {"table_id": s.table_id, "duration_sec": s.duration_sec,
            "duration_nsec": s.duration_nsec, "priority": s.priority,
            "idle_timeout": s.idle_timeout, "hard_timeout": s.hard_timeout,
            "flags": s.flags, "cookie": s.cookie,
            "packet_count": s.packet_count, "byte_count": s.byte_count,
            "match": o_match(s.match),
            "instructions": [o_inst(i) for i in s.instructions]}


def o_fields(obj, names):
    return dict((n, getattr(obj, n)) for n in names)


PORT_STATS_FIELDS = (
    "port_no", "rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
    "rx_dropped", "tx_dropped", "rx_errors", "tx_errors", "rx_frame_err",
    "rx_over_err", "rx_crc_err", "collisions", "duration_sec",
    "duration_nsec")
QUEUE_STATS_FIELDS = ("port_no", "queue_id", "tx_bytes", "tx_packets",
                      "tx_errors", "duration_sec", "duration_nsec")


def o_mp_reply_body(mp, m, buf):
    b = m.body if hasattr(m, "body") else None
    if mp == ofp.OFPMP_DESC:
        return dict((k, cstr(getattr(b, k))) for k in (
            "mfr_desc", "hw_desc", "sw_desc", "serial_num", "dp_desc"))
    if mp == ofp.OFPMP_FLOW:
        return [o_flow_stats(s) for s in b]
    if mp == ofp.OFPMP_AGGREGATE:
        return o_fields(b, ("packet_count", "byte_count", "flow_count"))
    if mp == ofp.OFPMP_TABLE:
        return [o_fields(s, ("table_id", "active_count", "lookup_count",
                             "matched_count")) for s in b]
    if mp == ofp.OFPMP_PORT_STATS:
        return [o_fields(s, PORT_STATS_FIELDS) for s in b]
    if mp == ofp.OFPMP_QUEUE:
        return [o_fields(s, QUEUE_STATS_FIELDS) for s in b]
    if mp == ofp.OFPMP_GROUP:
        out = []
        for s in b:
            d = o_fields(s, ("group_id", "ref_count", "packet_count",
                             "byte_count", "duration_sec", "duration_nsec"))
            d["bucket_stats"] = [o_fields(c, ("packet_count", "byte_count"))
                                 for c in s.bucket_stats]
            out.append(d)
        return out
    if mp == ofp.OFPMP_GROUP_DESC:
        return [{"group_type": s.type, "group_id": s.group_id,
                 "buckets": [o_bucket(x) for x in s.buckets]} for s in b]
    if mp == ofp.OFPMP_GROUP_FEATURES:
        return {"types": b.types, "capabilities": b.capabilities,
                "max_groups": list(b.max_groups),
                "actions": list(b.actions)}
    if mp == ofp.OFPMP_METER:
        out = []
        for s in b:
            d = o_fields(s, ("meter_id", "flow_count", "packet_in_count",
                             "byte_in_count", "duration_sec",
                             "duration_nsec"))
            d["band_stats"] = [o_fields(x, ("packet_band_count",
                                            "byte_band_count"))
                               for x in s.band_stats]
            out.append(d)
        return out
    if mp == ofp.OFPMP_METER_CONFIG:
        return [{"flags": s.flags, "meter_id": s.meter_id,
                 "bands": [o_band(x) for x in s.bands]} for s in b]
    if mp == ofp.OFPMP_METER_FEATURES:
        s = b[0] if isinstance(b, list) else b
        return o_fields(s, ("max_meter", "band_types", "capabilities",
                            "max_bands", "max_color"))
    if mp == ofp.OFPMP_TABLE_FEATURES:
        return [o_table_features(x) for x in b]
    if mp == ofp.OFPMP_PORT_DESC:
        return [o_port(x) for x in b]
    if mp == ofp.OFPMP_EXPERIMENTER:
        # os-ken's message parser steps over an experimenter body by a
        # fixed 16 bytes (OFPExperimenterMultipart.length), so a body with
        # more than 8 data bytes makes it read past the end.  Its body
        # parser is right: call it on the one body.
        s = p.OFPExperimenterMultipart.parser(
            buf, ofp.OFP_MULTIPART_REPLY_SIZE)
        return {"experimenter": s.experimenter, "exp_type": s.exp_type,
                "data": hexb(s.data)}
    raise ValueError("multipart kind %d" % mp)


def o_hello(buf):
    """os-ken's OFPHello.parser steps from element to element by the length
    field, without the padding to 8 bytes that the spec puts after each
    element, and loops forever on the padding; so walk the elements here
    and let os-ken parse each version bitmap."""
    length = struct.unpack_from("!H", buf, 2)[0]
    offset = 8
    elems = []
    while offset + 4 <= length:
        type_, elen = struct.unpack_from("!HH", buf, offset)
        if elen < 4:
            raise ValueError("hello element of length %d" % elen)
        if type_ == ofp.OFPHET_VERSIONBITMAP:
            e = p.OFPHelloElemVersionBitmap.parser(buf, offset)
            elems.append({"type": e.type, "bitmaps": list(e._bitmaps)})
        offset += (elen + 7) // 8 * 8
    return {"elements": elems}


def osken_parse(buf):
    """Parses 'buf' with os-ken and returns (kind, description) or None
    when os-ken has no parser for this type."""
    version, t, length, xid = struct.unpack_from("!BBHI", buf)
    d = {"type": TYPE_NAMES[t], "xid": xid}
    if t == ofp.OFPT_HELLO:
        d.update(o_hello(buf))
        return d
    if t == ofp.OFPT_MULTIPART_REPLY:
        mp = struct.unpack_from("!H", buf, 8)[0]
        d["mp_type"] = MP_NAMES[mp]
        if mp == ofp.OFPMP_EXPERIMENTER:
            d["flags"] = struct.unpack_from("!H", buf, 10)[0]
            d["body"] = o_mp_reply_body(mp, None, buf)
            return d
    if t not in p._MSG_PARSERS:
        return None
    m = ofproto_parser.msg(DP, version, t, length, xid, buf)
    if m is None:
        raise ValueError("os-ken could not parse the message")
    if t == ofp.OFPT_ERROR:
        d["err_type"] = m.type
        if m.type == ofp.OFPET_EXPERIMENTER:
            d.update(exp_type=m.exp_type, experimenter=m.experimenter)
        else:
            d["code"] = m.code
        d["data"] = hexb(m.data)
    elif t in (ofp.OFPT_ECHO_REQUEST, ofp.OFPT_ECHO_REPLY):
        d["data"] = hexb(m.data)
    elif t == ofp.OFPT_EXPERIMENTER:
        d.update(experimenter=m.experimenter, exp_type=m.exp_type,
                 data=hexb(m.data))
    elif t == ofp.OFPT_FEATURES_REPLY:
        d.update(o_fields(m, ("datapath_id", "n_buffers", "n_tables",
                              "auxiliary_id", "capabilities")))
    elif t == ofp.OFPT_GET_CONFIG_REPLY:
        d.update(flags=m.flags, miss_send_len=m.miss_send_len)
    elif t == ofp.OFPT_PACKET_IN:
        d.update(o_fields(m, ("buffer_id", "total_len", "reason",
                              "table_id", "cookie")))
        d["match"] = o_match(m.match)
        d["data"] = hexb(m.data)
    elif t == ofp.OFPT_FLOW_REMOVED:
        d.update(o_fields(m, ("cookie", "priority", "reason", "table_id",
                              "duration_sec", "duration_nsec",
                              "idle_timeout", "hard_timeout",
                              "packet_count", "byte_count")))
        d["match"] = o_match(m.match)
    elif t == ofp.OFPT_PORT_STATUS:
        d["reason"] = m.reason
        d["desc"] = o_port(m.desc)
    elif t == ofp.OFPT_FLOW_MOD:
        d.update(o_fields(m, ("cookie", "cookie_mask", "table_id",
                              "command", "idle_timeout", "hard_timeout",
                              "priority", "buffer_id", "out_port",
                              "out_group", "flags")))
        d["match"] = o_match(m.match)
        d["instructions"] = [o_inst(i) for i in m.instructions]
    elif t == ofp.OFPT_MULTIPART_REPLY:
        d["flags"] = m.flags
        d["body"] = o_mp_reply_body(m.type, m, buf)
    elif t == ofp.OFPT_QUEUE_GET_CONFIG_REPLY:
        d["port"] = m.port
        d["queues"] = []
        for q in m.queues:
            props = []
            for x in q.properties:
                if x.property == ofp.OFPQT_EXPERIMENTER:
                    props.append({"property": x.property,
                                  "experimenter": x.experimenter,
                                  "data": hexb(x.data)})
                else:
                    props.append({"property": x.property, "rate": x.rate})
            d["queues"].append({"queue_id": q.queue_id, "port": q.port,
                                "properties": props})
    elif t == ofp.OFPT_ROLE_REPLY:
        d.update(role=m.role, generation_id=m.generation_id)
    elif t == ofp.OFPT_GET_ASYNC_REPLY:
        d.update(packet_in_mask=list(m.packet_in_mask),
                 port_status_mask=list(m.port_status_mask),
                 flow_removed_mask=list(m.flow_removed_mask))
    return d


# ---- description -> os-ken objects (os-ken's encoder) ----

def b_match(lst):
    fields = []
    for f in lst:
        if "mask" in f:
            fields.append((f["field"], (f["value"], f["mask"])))
        else:
            fields.append((f["field"], f["value"]))
    return p.OFPMatch(_ordered_fields=fields)


def b_action(d):
    t = d["type"]
    if t == "OUTPUT":
        return p.OFPActionOutput(d["port"], d["max_len"])
    if t == "COPY_TTL_OUT":
        return p.OFPActionCopyTtlOut()
    if t == "COPY_TTL_IN":
        return p.OFPActionCopyTtlIn()
    if t == "SET_MPLS_TTL":
        return p.OFPActionSetMplsTtl(d["mpls_ttl"])
    if t == "DEC_MPLS_TTL":
        return p.OFPActionDecMplsTtl()
    if t == "PUSH_VLAN":
        return p.OFPActionPushVlan(d["ethertype"])
    if t == "POP_VLAN":
        return p.OFPActionPopVlan()
    if t == "PUSH_MPLS":
        return p.OFPActionPushMpls(d["ethertype"])
    if t == "POP_MPLS":
        return p.OFPActionPopMpls(d["ethertype"])
    if t == "SET_QUEUE":
        return p.OFPActionSetQueue(d["queue_id"])
    if t == "GROUP":
        return p.OFPActionGroup(d["group_id"])
    if t == "SET_NW_TTL":
        return p.OFPActionSetNwTtl(d["nw_ttl"])
    if t == "DEC_NW_TTL":
        return p.OFPActionDecNwTtl()
    if t == "SET_FIELD":
        return p.OFPActionSetField(**{d["field"]["field"]:
                                      d["field"]["value"]})
    if t == "PUSH_PBB":
        return p.OFPActionPushPbb(d["ethertype"])
    if t == "POP_PBB":
        return p.OFPActionPopPbb()
    if t == "EXPERIMENTER":
        return p.OFPActionExperimenterUnknown(d["experimenter"],
                                              bytes.fromhex(d["data"]))
    raise ValueError("action %r" % t)


def b_inst(d):
    t = d["type"]
    if t == "GOTO_TABLE":
        return p.OFPInstructionGotoTable(d["table_id"])
    if t == "WRITE_METADATA":
        return p.OFPInstructionWriteMetadata(d["metadata"],
                                             d["metadata_mask"])
    if t in ("WRITE_ACTIONS", "APPLY_ACTIONS"):
        return p.OFPInstructionActions(INST_CODES[t],
                                       [b_action(a) for a in d["actions"]])
    if t == "CLEAR_ACTIONS":
        return p.OFPInstructionActions(ofp.OFPIT_CLEAR_ACTIONS, [])
    if t == "METER":
        return p.OFPInstructionMeter(d["meter_id"])
    raise ValueError("instruction %r" % t)


def b_bucket(d):
    return p.OFPBucket(d["weight"], d["watch_port"], d["watch_group"],
                       [b_action(a) for a in d["actions"]])


def b_band(d):
    if d["type"] == ofp.OFPMBT_DROP:
        return p.OFPMeterBandDrop(d["rate"], d["burst_size"])
    if d["type"] == ofp.OFPMBT_DSCP_REMARK:
        return p.OFPMeterBandDscpRemark(d["rate"], d["burst_size"],
                                        d["prec_level"])
    return p.OFPMeterBandExperimenter(d["rate"], d["burst_size"],
                                      d["experimenter"])


class OxmIdWithLength(p.OFPOxmId):
    """os-ken writes oxm_length 0 in table-feature OXM ids; OpenFlow 1.3.5
    (table features, the oxm_ids of a property) says it is the field's
    payload length, doubled when hasmask.  Same encoder, with the length
    the spec asks for."""

    def serialize(self):
        (n, _v, _m) = ofp.oxm_from_user(self.type, None)
        oxm = (n << 9) | (int(self.hasmask) << 8) | self.length
        return bytearray(struct.pack("!I", oxm))


def b_tf_prop(d, canonical):
    t = d["type"]
    if "instruction_ids" in d:
        return p.OFPTableFeaturePropInstructions(
            type_=t, instruction_ids=[p.OFPInstructionId(x)
                                      for x in d["instruction_ids"]])
    if "table_ids" in d:
        return p.OFPTableFeaturePropNextTables(type_=t,
                                               table_ids=d["table_ids"])
    if "action_ids" in d:
        return p.OFPTableFeaturePropActions(
            type_=t, action_ids=[p.OFPActionId(x) for x in d["action_ids"]])
    if "oxm_ids" in d:
        cls = OxmIdWithLength if canonical else p.OFPOxmId
        return p.OFPTableFeaturePropOxm(
            type_=t, oxm_ids=[cls(x["field"], x["hasmask"], x["length"])
                              for x in d["oxm_ids"]])
    data = bytes.fromhex(d["data"])
    return p.OFPTableFeaturePropExperimenter(
        type_=t, experimenter=d["experimenter"], exp_type=d["exp_type"],
        data=[struct.unpack_from("!I", data, i)[0]
              for i in range(0, len(data), 4)])


def b_table_features(d, canonical=True):
    return p.OFPTableFeaturesStats(
        d["table_id"], d["name"].encode(), d["metadata_match"],
        d["metadata_write"], d["config"], d["max_entries"],
        [b_tf_prop(x, canonical) for x in d["properties"]])


def b_mp_request(d, canonical):
    mp = MP_CODES[d["mp_type"]]
    fl = d["flags"]
    b = d.get("body")
    if mp in (ofp.OFPMP_FLOW, ofp.OFPMP_AGGREGATE):
        cls = (p.OFPFlowStatsRequest if mp == ofp.OFPMP_FLOW
               else p.OFPAggregateStatsRequest)
        return cls(DP, fl, b["table_id"], b["out_port"], b["out_group"],
                   b["cookie"], b["cookie_mask"], b_match(b["match"]))
    if mp == ofp.OFPMP_PORT_STATS:
        return p.OFPPortStatsRequest(DP, fl, b["port_no"])
    if mp == ofp.OFPMP_QUEUE:
        return p.OFPQueueStatsRequest(DP, fl, b["port_no"], b["queue_id"])
    if mp == ofp.OFPMP_GROUP:
        return p.OFPGroupStatsRequest(DP, fl, b["group_id"])
    if mp == ofp.OFPMP_METER:
        return p.OFPMeterStatsRequest(DP, fl, b["meter_id"])
    if mp == ofp.OFPMP_METER_CONFIG:
        return p.OFPMeterConfigStatsRequest(DP, fl, b["meter_id"])
    if mp == ofp.OFPMP_TABLE_FEATURES:
        return p.OFPTableFeaturesStatsRequest(
            DP, fl, [b_table_features(x, canonical) for x in b])
    if mp == ofp.OFPMP_EXPERIMENTER:
        return p.OFPExperimenterStatsRequest(DP, fl, b["experimenter"],
                                             b["exp_type"],
                                             bytes.fromhex(b["data"]))
    cls = {
        ofp.OFPMP_DESC: p.OFPDescStatsRequest,
        ofp.OFPMP_TABLE: p.OFPTableStatsRequest,
        ofp.OFPMP_GROUP_DESC: p.OFPGroupDescStatsRequest,
        ofp.OFPMP_GROUP_FEATURES: p.OFPGroupFeaturesStatsRequest,
        ofp.OFPMP_METER_FEATURES: p.OFPMeterFeaturesStatsRequest,
        ofp.OFPMP_PORT_DESC: p.OFPPortDescStatsRequest,
    }[mp]
    return cls(DP, fl)


# Replies whose body has the layout of a request os-ken can encode: os-ken
# builds the request and the type byte is changed.
AS_REQUEST = {
    "GET_CONFIG_REPLY": "SET_CONFIG",
    "ROLE_REPLY": "ROLE_REQUEST",
    "GET_ASYNC_REPLY": "SET_ASYNC",
}


def osken_build(d, canonical=True):
    """Returns the bytes os-ken's encoder writes for description 'd', or
    None if os-ken cannot encode this kind.  With 'canonical', fields where
    os-ken's choice differs from the spec's are written as the spec says
    (see OxmIdWithLength)."""
    t = d["type"]
    if t in AS_REQUEST:
        body = osken_build(dict(d, type=AS_REQUEST[t]), canonical)
        return body[:1] + bytes([TYPE_CODES[t]]) + body[2:]
    m = None
    if t == "HELLO":
        if d.get("elements"):
            return None         # os-ken cannot encode hello elements
        m = p.OFPHello(DP)
    elif t == "ERROR":
        if d["err_type"] == ofp.OFPET_EXPERIMENTER:
            m = p.OFPErrorMsg(DP, d["err_type"], None,
                              bytes.fromhex(d["data"]),
                              exp_type=d["exp_type"],
                              experimenter=d["experimenter"])
        else:
            m = p.OFPErrorMsg(DP, d["err_type"], d["code"],
                              bytes.fromhex(d["data"]))
    elif t == "ECHO_REQUEST":
        m = p.OFPEchoRequest(DP, bytes.fromhex(d["data"]))
    elif t == "ECHO_REPLY":
        m = p.OFPEchoReply(DP, bytes.fromhex(d["data"]))
    elif t == "EXPERIMENTER":
        m = p.OFPExperimenter(DP, d["experimenter"], d["exp_type"],
                              bytes.fromhex(d["data"]))
    elif t == "FEATURES_REQUEST":
        m = p.OFPFeaturesRequest(DP)
    elif t == "GET_CONFIG_REQUEST":
        m = p.OFPGetConfigRequest(DP)
    elif t == "SET_CONFIG":
        m = p.OFPSetConfig(DP, d["flags"], d["miss_send_len"])
    elif t == "PACKET_OUT":
        data = bytes.fromhex(d["data"]) if d["data"] else None
        if data and not d["actions"]:
            # os-ken writes the fixed header over the start of the data
            # when there is no action (OFPPacketOut._serialize_body packs
            # it at offset 8 after appending the data to the 8-byte
            # header): let it encode the rest and append the data here.
            head = osken_build(dict(d, data=""), canonical)
            return (head[:2] + struct.pack("!H", len(head) + len(data))
                    + head[4:] + data)
        m = p.OFPPacketOut(DP, d["buffer_id"], d["in_port"],
                           [b_action(a) for a in d["actions"]], data)
    elif t == "FLOW_MOD":
        m = p.OFPFlowMod(DP, d["cookie"], d["cookie_mask"], d["table_id"],
                         d["command"], d["idle_timeout"], d["hard_timeout"],
                         d["priority"], d["buffer_id"], d["out_port"],
                         d["out_group"], d["flags"], b_match(d["match"]),
                         [b_inst(i) for i in d["instructions"]])
    elif t == "GROUP_MOD":
        m = p.OFPGroupMod(DP, d["command"], d["group_type"], d["group_id"],
                          [b_bucket(b) for b in d["buckets"]])
    elif t == "PORT_MOD":
        m = p.OFPPortMod(DP, d["port_no"], d["hw_addr"], d["config"],
                         d["mask"], d["advertise"])
    elif t == "TABLE_MOD":
        m = p.OFPTableMod(DP, d["table_id"], d["config"])
    elif t == "MULTIPART_REQUEST":
        m = b_mp_request(d, canonical)
    elif t == "BARRIER_REQUEST":
        m = p.OFPBarrierRequest(DP)
    elif t == "QUEUE_GET_CONFIG_REQUEST":
        m = p.OFPQueueGetConfigRequest(DP, d["port"])
    elif t == "ROLE_REQUEST":
        m = p.OFPRoleRequest(DP, d["role"], d["generation_id"])
    elif t == "GET_ASYNC_REQUEST":
        m = p.OFPGetAsyncRequest(DP)
    elif t == "SET_ASYNC":
        m = p.OFPSetAsync(DP, d["packet_in_mask"], d["port_status_mask"],
                          d["flow_removed_mask"])
    elif t == "METER_MOD":
        m = p.OFPMeterMod(DP, d["command"], d["flags"], d["meter_id"],
                          [b_band(b) for b in d["bands"]])
    if m is None:
        return None
    m.set_xid(d["xid"])
    m.serialize()
    return bytes(m.buf)


# ---- TAP ----

class Tap(object):
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, text, details=()):
        self.n += 1
        if not ok:
            self.failed += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, text))
        for line in list(details)[:12]:
            print("#   %s" % line)
        sys.stdout.flush()

    def comment(self, text):
        print("# %s" % text)

    def done(self):
        print("1..%d" % self.n)
        return 0 if self.failed == 0 else 1


class Stats(object):
    """Per-kind counts and failures for one direction of the test."""

    def __init__(self):
        self.kinds = {}

    def add(self, kind, what, errs=(), n=1):
        k = self.kinds.setdefault(kind, {"n": 0, "what": set(),
                                         "errs": []})
        k["n"] += n
        if what:
            k["what"].add(what)
        k["errs"].extend(errs)

    def report(self, tap, prefix):
        for kind in sorted(self.kinds):
            k = self.kinds[kind]
            tap.result(not k["errs"], "%s %s: %d messages%s" % (
                prefix, kind, k["n"],
                " (%s)" % ", ".join(sorted(k["what"])) if k["what"]
                else ""), k["errs"])


def run_roundtrip(tap, tool, msgs_by_kind, prefix):
    """Writes the messages of each kind to a file and has `sluice-ofp
    roundtrip` decode and re-encode every file: one TAP line per kind."""
    tmp = tempfile.mkdtemp(prefix="osken-interop.")
    stats = Stats()
    files = {}
    try:
        for kind, msgs in msgs_by_kind.items():
            path = os.path.join(tmp, kind + ".bin")
            with open(path, "wb") as f:
                f.write(b"".join(msgs))
            files[path] = kind
        res = subprocess.run([tool, "roundtrip"] + sorted(files),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        seen = set()
        for line in res.stdout.splitlines():
            for path, kind in files.items():
                n = len(msgs_by_kind[kind])
                if line == "OK " + path:
                    stats.add(kind, "re-encoded byte-identically", n=n)
                    seen.add(path)
                elif line.startswith("FAIL " + path + ":"):
                    stats.add(kind, None, [line] + [
                        "message: %s" % m.hex()
                        for m in msgs_by_kind[kind]], n=n)
                    seen.add(path)
        for path in set(files) - seen:
            stats.add(files[path], None, [
                "sluice-ofp roundtrip said nothing of it (exit %d): %s"
                % (res.returncode, res.stderr.strip()[:300])],
                n=len(msgs_by_kind[files[path]]))
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    stats.report(tap, prefix)


# ---- (a) our encodings -> os-ken ----

def run_ours_to_osken(tap, gen, tool, seed, rounds):
    out = subprocess.run([gen, "-n", str(rounds), str(seed)],
                         stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    stats = Stats()
    total = 0
    by_kind = {}
    for line in out.splitlines():
        hexs, text = line.split(" ", 1)
        buf = bytes.fromhex(hexs)
        exp = normalize(json.loads(text))
        kind = kind_of(exp)
        by_kind.setdefault(kind, []).append(buf)
        total += 1
        errs = []
        what = []
        try:
            got = osken_parse(buf)
        except Exception as e:          # os-ken raised on our bytes
            got = None
            errs.append("os-ken failed to parse %s: %r" % (hexs, e))
        if got is not None:
            what.append("fields decoded by os-ken")
            diff(exp, got, kind, errs)
        built = osken_build(exp)
        if built is not None:
            what.append("os-ken encodes identical bytes")
            if built != buf:
                errs.append("bytes differ:\n#     ours   %s\n#     os-ken %s"
                            % (hexs, built.hex()))
        elif got is None and not errs:
            errs.append("neither decoded nor encoded by os-ken")
        if errs:
            errs.insert(0, "message: %s" % hexs)
            errs.insert(1, "values:  %s" % text.strip())
        stats.add(kind, " and ".join(what), errs)
    stats.report(tap, "ours->os-ken")
    run_roundtrip(tap, tool, by_kind, "ours roundtrip")
    return total


# ---- (b) os-ken encodings -> us ----

class Gen(object):
    """Random descriptions (the form interop-gen writes), for os-ken to
    encode.  Values lean towards the edges: 0, all ones, small numbers."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def below(self, n):
        return self.r.randrange(n) if n > 0 else 0

    def coin(self):
        return self.r.random() < 0.5

    def val(self, bits):
        c = self.below(8)
        if c == 0:
            return 0
        if c == 1:
            return bits
        if c == 2:
            return self.below(16) & bits
        return self.r.getrandbits(64) & bits

    def u8(self):
        return self.val(0xff)

    def u16(self):
        return self.val(0xffff)

    def u32(self):
        return self.val(0xffffffff)

    def u64(self):
        return self.val((1 << 64) - 1)

    def raw(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def blob(self, maxlen, multiple=1):
        n = self.below(maxlen + 1)
        return self.raw(n - n % multiple).hex()

    def exp_id(self):
        e = self.r.getrandbits(32)
        return e + 1 if e in (0x2320, 0x4f4e4600, 0x00d0f0) else e

    def xid(self):
        return self.u32()

    def field_value(self, f, masked):
        name, _num, kind, width, _maskable, bits = f
        if kind in ("mac", "ipv6"):
            v = bytearray(self.raw(width))
            m = bytearray(self.raw(width)) if masked else None
            if masked:
                v = bytearray(a & b for a, b in zip(v, m))

            def text(b):
                if kind == "mac":
                    return ":".join("%02x" % x for x in b)
                return ipaddress.IPv6Address(bytes(b)).exploded
            return text(v), text(m) if masked else None
        v = self.val(bits)
        m = None
        if masked:
            m = self.val(bits)
            v &= m
        if kind == "ipv4":
            v = str(ipaddress.IPv4Address(v))
            m = str(ipaddress.IPv4Address(m)) if masked else None
        return v, m

    def oxm(self, f, masked):
        v, m = self.field_value(f, masked)
        d = {"field": f[0], "value": v}
        if masked:
            d["mask"] = m
        return d

    def match(self, maxn):
        fields = list(FIELDS)
        self.r.shuffle(fields)
        return [self.oxm(f, f[4] and self.coin())
                for f in fields[:self.below(maxn + 1)]]

    ACTIONS = ["OUTPUT", "OUTPUT", "COPY_TTL_OUT", "COPY_TTL_IN",
               "SET_MPLS_TTL", "DEC_MPLS_TTL", "PUSH_VLAN", "PUSH_VLAN",
               "POP_VLAN", "PUSH_MPLS", "POP_MPLS", "SET_QUEUE", "SET_QUEUE",
               "GROUP", "GROUP", "SET_NW_TTL", "DEC_NW_TTL", "SET_FIELD",
               "SET_FIELD", "SET_FIELD", "PUSH_PBB", "POP_PBB",
               "EXPERIMENTER"]

    def action(self):
        t = self.r.choice(self.ACTIONS)
        d = {"type": t}
        if t == "OUTPUT":
            d.update(port=self.below(64) + 1 if self.coin() else self.u32(),
                     max_len=self.u16())
        elif t == "SET_MPLS_TTL":
            d["mpls_ttl"] = self.u8()
        elif t == "SET_NW_TTL":
            d["nw_ttl"] = self.u8()
        elif t == "PUSH_VLAN":
            d["ethertype"] = self.r.choice([0x8100, 0x88a8])
        elif t == "PUSH_MPLS":
            d["ethertype"] = self.r.choice([0x8847, 0x8848])
        elif t == "POP_MPLS":
            d["ethertype"] = self.r.choice([0x0800, 0x86dd, 0x8847])
        elif t == "PUSH_PBB":
            d["ethertype"] = 0x88e7
        elif t == "SET_QUEUE":
            d["queue_id"] = self.u32()
        elif t == "GROUP":
            d["group_id"] = self.u32()
        elif t == "SET_FIELD":
            # Not in_port, in_phy_port or metadata: OpenFlow 1.3.5 (the
            # Set-Field action) says they are not header fields to set.
            d["field"] = self.oxm(self.r.choice(FIELDS[3:]), False)
        elif t == "EXPERIMENTER":
            d.update(experimenter=self.exp_id(), data=self.blob(16, 8))
        return d

    def actions(self, maxn):
        return [self.action() for _ in range(self.below(maxn + 1))]

    def instructions(self):
        out = []
        types = list(INST_CODES)
        self.r.shuffle(types)
        for t in types:
            if not self.coin():
                continue
            d = {"type": t}
            if t == "GOTO_TABLE":
                d["table_id"] = self.below(255)
            elif t == "WRITE_METADATA":
                d.update(metadata=self.u64(), metadata_mask=self.u64())
            elif t in ("WRITE_ACTIONS", "APPLY_ACTIONS"):
                d["actions"] = self.actions(4)
            elif t == "METER":
                d["meter_id"] = (self.below(100) + 1 if self.coin()
                                 else self.u32())
            out.append(d)
        return out

    def buckets(self):
        return [{"weight": self.u16(), "watch_port": self.u32(),
                 "watch_group": self.u32(), "actions": self.actions(3)}
                for _ in range(self.below(4))]

    def bands(self):
        out = []
        for _ in range(self.below(4)):
            t = self.r.choice([1, 1, 2, 2, 0xffff])
            d = {"type": t, "rate": self.u32(), "burst_size": self.u32()}
            if t == 2:
                d["prec_level"] = self.u8()
            elif t == 0xffff:
                d["experimenter"] = self.exp_id()
            out.append(d)
        return out

    def name(self, size):
        chars = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "0123456789-_.")
        n = size - 1 if self.below(6) == 0 else self.below(min(24, size))
        return "".join(self.r.choice(chars) for _ in range(n))

    TF_PROPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 0xfffe,
                0xffff]
    TF_ACTIONS = [0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                  27]

    def tf_prop(self, t):
        d = {"type": t}
        if t in (0, 1):
            d["instruction_ids"] = [self.below(6) + 1
                                    for _ in range(self.below(7))]
        elif t in (2, 3):
            d["table_ids"] = [self.below(255) for _ in range(self.below(9))]
        elif t in (4, 5, 6, 7):
            d["action_ids"] = [self.r.choice(self.TF_ACTIONS)
                               for _ in range(self.below(8))]
        elif t in (0xfffe, 0xffff):
            d.update(experimenter=self.exp_id(), exp_type=self.u32(),
                     data=self.blob(12, 4))
        else:
            # os-ken writes oxm_length 0 whatever it is given.
            d["oxm_ids"] = []
            for _ in range(self.below(8)):
                f = self.r.choice(FIELDS)
                d["oxm_ids"].append({"field": f[0],
                                     "hasmask": bool(f[4] and self.coin()),
                                     "length": 0})
        return d

    def table_features(self):
        props = list(self.TF_PROPS)
        self.r.shuffle(props)
        return {"table_id": self.below(256), "name": self.name(32),
                "metadata_match": self.u64(), "metadata_write": self.u64(),
                "config": self.u32() & 3, "max_entries": self.u32(),
                "properties": [self.tf_prop(t)
                               for t in props[:1 + self.below(6)]]}

    def mp_request(self, mp):
        d = {"mp_type": MP_NAMES[mp], "flags": 0}
        if mp in (ofp.OFPMP_FLOW, ofp.OFPMP_AGGREGATE):
            d["body"] = {
                "table_id": 255 if self.coin() else self.u8(),
                "out_port": ofp.OFPP_ANY if self.coin() else self.u32(),
                "out_group": ofp.OFPG_ANY if self.coin() else self.u32(),
                "cookie": self.u64(), "cookie_mask": self.u64(),
                "match": self.match(6)}
        elif mp == ofp.OFPMP_PORT_STATS:
            d["body"] = {"port_no": self.u32()}
        elif mp == ofp.OFPMP_QUEUE:
            d["body"] = {"port_no": self.u32(), "queue_id": self.u32()}
        elif mp == ofp.OFPMP_GROUP:
            d["body"] = {"group_id": self.u32()}
        elif mp in (ofp.OFPMP_METER, ofp.OFPMP_METER_CONFIG):
            d["body"] = {"meter_id": self.u32()}
        elif mp == ofp.OFPMP_TABLE_FEATURES:
            d["flags"] = self.below(2)
            d["body"] = [self.table_features()
                         for _ in range(self.below(3))]
        elif mp == ofp.OFPMP_EXPERIMENTER:
            d["body"] = {"experimenter": self.exp_id(),
                         "exp_type": self.u32(), "data": self.blob(24)}
        return d

    def message(self, kind):
        """A description of message 'kind' (TYPE or MULTIPART_REQUEST_X)."""
        if kind.startswith("MULTIPART_REQUEST_"):
            d = {"type": "MULTIPART_REQUEST", "xid": self.xid()}
            d.update(self.mp_request(MP_CODES[kind[18:]]))
            return d
        d = {"type": kind, "xid": self.xid()}
        if kind == "HELLO":
            d["elements"] = []
        elif kind == "ERROR":
            if self.below(3) == 0:
                d.update(err_type=0xffff, exp_type=self.u16(),
                         experimenter=self.exp_id())
            else:
                d.update(err_type=self.below(14), code=self.below(16))
            d["data"] = self.blob(64)
        elif kind in ("ECHO_REQUEST", "ECHO_REPLY"):
            d["data"] = self.blob(32)
        elif kind == "EXPERIMENTER":
            d.update(experimenter=self.exp_id(), exp_type=self.u32(),
                     data=self.blob(24))
        elif kind in ("SET_CONFIG", "GET_CONFIG_REPLY"):
            d.update(flags=self.below(4), miss_send_len=self.u16())
        elif kind == "PACKET_OUT":
            buffer_id = ofp.OFP_NO_BUFFER if self.coin() else self.u32()
            d.update(buffer_id=buffer_id,
                     in_port=(ofp.OFPP_CONTROLLER if self.coin()
                              else self.u32()),
                     actions=self.actions(4),
                     data=(self.blob(96) if buffer_id == ofp.OFP_NO_BUFFER
                           else ""))
        elif kind == "FLOW_MOD":
            d.update(cookie=self.u64(), cookie_mask=self.u64(),
                     table_id=self.u8(), command=self.below(5),
                     idle_timeout=self.u16(), hard_timeout=self.u16(),
                     priority=self.u16(),
                     buffer_id=(ofp.OFP_NO_BUFFER if self.coin()
                                else self.u32()),
                     out_port=ofp.OFPP_ANY if self.coin() else self.u32(),
                     out_group=ofp.OFPG_ANY if self.coin() else self.u32(),
                     flags=self.u16() & 0x1f, match=self.match(8),
                     instructions=self.instructions())
        elif kind == "GROUP_MOD":
            d.update(command=self.below(3), group_type=self.below(4),
                     group_id=self.u32(), buckets=self.buckets())
        elif kind == "PORT_MOD":
            d.update(port_no=self.u32(),
                     hw_addr=":".join("%02x" % x for x in self.raw(6)),
                     config=self.u32() & 0x65, mask=self.u32() & 0x65,
                     advertise=self.u32() & 0xffff)
        elif kind == "TABLE_MOD":
            d.update(table_id=self.u8(), config=self.u32() & 3)
        elif kind == "QUEUE_GET_CONFIG_REQUEST":
            d["port"] = self.u32()
        elif kind in ("ROLE_REQUEST", "ROLE_REPLY"):
            d.update(role=self.below(4), generation_id=self.u64())
        elif kind in ("SET_ASYNC", "GET_ASYNC_REPLY"):
            d.update(packet_in_mask=[self.u32() & 7, self.u32() & 7],
                     port_status_mask=[self.u32() & 7, self.u32() & 7],
                     flow_removed_mask=[self.u32() & 15, self.u32() & 15])
        elif kind == "METER_MOD":
            d.update(command=self.below(3), flags=self.u16() & 0xf,
                     meter_id=(self.below(100) + 1 if self.coin()
                               else self.u32()),
                     bands=self.bands())
        return d


# Every kind os-ken can encode (GET_CONFIG_REPLY, ROLE_REPLY and
# GET_ASYNC_REPLY through the request of the same layout, see AS_REQUEST).
OSKEN_KINDS = [
    "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
    "FEATURES_REQUEST", "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY",
    "SET_CONFIG", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
    "TABLE_MOD", "BARRIER_REQUEST", "QUEUE_GET_CONFIG_REQUEST",
    "ROLE_REQUEST", "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY",
    "SET_ASYNC", "METER_MOD",
] + ["MULTIPART_REQUEST_" + MP_NAMES[k] for k in sorted(MP_NAMES)]


# ---- our JSON form (ofproto/ofp-json.h) -> description ----

PORT_NAMES = {"MAX": ofp.OFPP_MAX, "IN_PORT": ofp.OFPP_IN_PORT,
              "TABLE": ofp.OFPP_TABLE, "NORMAL": ofp.OFPP_NORMAL,
              "FLOOD": ofp.OFPP_FLOOD, "ALL": ofp.OFPP_ALL,
              "CONTROLLER": ofp.OFPP_CONTROLLER, "LOCAL": ofp.OFPP_LOCAL,
              "ANY": ofp.OFPP_ANY}
TABLE_NAMES = {"MAX": 0xfe, "ALL": 0xff}
ROLE_NAMES = {"NOCHANGE": 0, "EQUAL": 1, "MASTER": 2, "SLAVE": 3}
GROUP_TYPE_NAMES = {"ALL": 0, "SELECT": 1, "INDIRECT": 2, "FF": 3}
METER_FLAG_NAMES = {"KBPS": 1, "PKTPS": 2, "BURST": 4, "STATS": 8}
BAND_TYPE_NAMES = {"DROP": 1, "DSCP_REMARK": 2, "EXPERIMENTER": 0xffff}
TFPT_NAMES = dict((k[len("OFPTFPT_"):], v) for k, v in vars(ofp).items()
                  if k.startswith("OFPTFPT_"))


def j_int(v, names=None):
    """A number of our JSON form: a JSON number, a decimal string (64-bit
    values above INT64_MAX) or one of 'names'."""
    if isinstance(v, bool):
        raise ValueError("boolean %r where a number belongs" % v)
    if isinstance(v, int):
        return v
    if names and v in names:
        return names[v]
    return int(v, 10)


def j_data(obj, key="data"):
    if key not in obj:
        return None
    if obj.get("data_type", "base64") != "base64":
        raise ValueError("data_type %r" % obj.get("data_type"))
    return base64.b64decode(obj[key]).hex()


def j_match_value(name, v):
    """One value of our match object -> (value, mask or None)."""
    kind = FIELD_BY_NAME[name][2]
    if name == "vlan_vid":
        if "/" in v:
            a, b = v.split("/")
            return int(a, 16), int(b, 16)
        if v.startswith("0x"):
            return int(v, 16), None
        return int(v, 10) | 0x1000, None
    if isinstance(v, str) and "/" in v:
        a, b = v.split("/", 1)
        if kind == "int":
            return int(a, 10), int(b, 10)
        return a, b
    if name == "in_port":
        return j_int(v, PORT_NAMES), None
    if kind == "int":
        return j_int(v), None
    return v, None


def j_match(m):
    """Our match object -> {name: (value, mask)}, spellings normalised."""
    out = {}
    for name, v in m.items():
        if name == "oxm_opaque":
            out[name] = v
            continue
        value, mask = j_match_value(name, v)
        out[name] = norm_oxm({"field": name, "value": value, "mask": mask})
    return out


def match_dict(lst):
    return dict((f["field"], norm_oxm(f)) for f in lst)


def j_action(a):
    d = dict(a)
    if a["type"] == "SET_FIELD":
        d["field"] = norm_oxm({"field": a["field"], "value": a["value"],
                               "mask": a.get("mask")})
        d.pop("value", None)
    elif a["type"] == "EXPERIMENTER":
        d["data"] = j_data(a)
    return d


def j_inst(i):
    d = dict(i)
    if "metadata" in i:
        d["metadata"] = j_int(i["metadata"])
        d["metadata_mask"] = j_int(i["metadata_mask"])
    if "actions" in i:
        d["actions"] = [j_action(a) for a in i["actions"]]
    return d


def j_bits(lst, names):
    v = 0
    for x in lst:
        v |= names[x] if x in names else int(x)
    return v


def j_tf_prop(p):
    t = j_int(p["type"], TFPT_NAMES)
    d = {"type": t}
    if "instruction_ids" in p:
        d["instruction_ids"] = [x["type"] for x in p["instruction_ids"]]
    if "action_ids" in p:
        d["action_ids"] = [x["type"] for x in p["action_ids"]]
    if "table_ids" in p:
        d["table_ids"] = p["table_ids"]
    if "oxm_ids" in p:
        d["oxm_ids"] = [{"field": x["type"], "hasmask": bool(x["hasmask"]),
                         "length": x["length"]} for x in p["oxm_ids"]]
    if "experimenter" in p:
        d.update(experimenter=p["experimenter"], exp_type=p["exp_type"],
                 data=j_data(p))
    return d


def j_table_features(t):
    return {"table_id": j_int(t["table_id"], TABLE_NAMES),
            "name": t["name"],
            "metadata_match": j_int(t["metadata_match"]),
            "metadata_write": j_int(t["metadata_write"]),
            "config": t["config"], "max_entries": t["max_entries"],
            "properties": [j_tf_prop(p) for p in t["properties"]]}


def ours_to_desc(o):
    """Our JSON form of a message -> the description form, for the kinds
    os-ken encodes.  Field spellings are normalised; values are not
    otherwise touched, so every difference shows."""
    d = dict(o)
    t = o["type"]
    if "multipart_type" in o:
        d["mp_type"] = o["multipart_type"]
    for k in ("cookie", "cookie_mask", "generation_id"):
        if k in o:
            d[k] = j_int(o[k])
    if "data" in o:
        d["data"] = j_data(o)
    if "match" in o:
        d["match"] = j_match(o["match"])
    if t == "PACKET_OUT":
        d["actions"] = [j_action(a) for a in o["actions"]]
    elif t == "FLOW_MOD":
        d["instructions"] = [j_inst(i) for i in o["instructions"]]
    elif t == "GROUP_MOD":
        d["group_type"] = j_int(o["group_type"], GROUP_TYPE_NAMES)
        d["buckets"] = [dict(b, actions=[j_action(a) for a in b["actions"]])
                        for b in o["buckets"]]
    elif t == "METER_MOD":
        d["flags"] = j_bits(o["flags"], METER_FLAG_NAMES)
        d["bands"] = [dict(b, type=j_int(b["type"], BAND_TYPE_NAMES))
                      for b in o["bands"]]
    elif t in ("ROLE_REQUEST", "ROLE_REPLY"):
        d["role"] = j_int(o["role"], ROLE_NAMES)
    elif t == "MULTIPART_REQUEST" and "body" in o:
        b = o["body"]
        if isinstance(b, list):
            d["body"] = [j_table_features(x) for x in b]
        else:
            b = dict(b)
            for k in ("cookie", "cookie_mask"):
                if k in b:
                    b[k] = j_int(b[k])
            if "match" in b:
                b["match"] = j_match(b["match"])
            if "data" in b:
                b["data"] = j_data(b)
            d["body"] = b
    return d


def desc_for_ours(d):
    """The description 'd' as ours_to_desc() shapes it: matches as objects
    keyed by field (our form is Ryu's, a dict)."""
    d = normalize(d)
    if "match" in d:
        d["match"] = match_dict(d["match"])
    if isinstance(d.get("body"), dict) and "match" in d["body"]:
        d["body"] = dict(d["body"], match=match_dict(d["body"]["match"]))
    return d


def run_osken_to_ours(tap, tool, seed, count):
    gen = Gen(seed)
    tmp = tempfile.mkdtemp(prefix="osken-interop.")
    stats = Stats()
    total = 0
    by_kind = {}
    try:
        for kind in OSKEN_KINDS:
            descs = [gen.message(kind) for _ in range(count)]
            msgs = [osken_build(d, canonical=False) for d in descs]
            by_kind[kind] = msgs
            path = os.path.join(tmp, kind + ".bin")
            with open(path, "wb") as f:
                f.write(b"".join(msgs))
            total += len(msgs)
            res = subprocess.run([tool, "decode", "--compact", path],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 universal_newlines=True)
            lines = [x for x in res.stdout.splitlines() if x.strip()]
            if res.returncode != 0 or len(lines) != len(msgs):
                stats.add(kind, None, [
                    "sluice-ofp decode: exit %d, %d documents for %d "
                    "messages: %s" % (res.returncode, len(lines), len(msgs),
                                      res.stderr.strip()[:300])], n=0)
                lines = []
                for m in msgs:     # one by one, to name the culprit
                    r1 = subprocess.run([tool, "decode", "--compact",
                                         m.hex()], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE,
                                        universal_newlines=True)
                    lines.append(r1.stdout.strip() or
                                 json.dumps({"error": r1.stderr.strip()}))
            for d, m, line in zip(descs, msgs, lines):
                errs = []
                try:
                    got = ours_to_desc(json.loads(line))
                except Exception as e:
                    got = None
                    errs.append("cannot read our JSON (%r): %s"
                                % (e, line[:300]))
                if got is not None:
                    diff(desc_for_ours(d), got, kind, errs)
                if errs:
                    errs.insert(0, "message: %s" % m.hex())
                    errs.insert(1, "values:  %s" % json.dumps(d))
                stats.add(kind, "decoded with the values os-ken encoded",
                          errs)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    stats.report(tap, "os-ken->ours")
    run_roundtrip(tap, tool, by_kind, "os-ken->ours roundtrip")
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen", required=True, help="path of interop-gen")
    ap.add_argument("--tool", required=True, help="path of sluice-ofp")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=5,
                    help="interop-gen rounds (58 messages each)")
    ap.add_argument("--count", type=int, default=10,
                    help="os-ken messages of each kind")
    args = ap.parse_args()
    seed = args.seed
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    tap = Tap()
    tap.comment("seed %d (rerun with --seed %d)" % (seed, seed))
    n_a = run_ours_to_osken(tap, args.gen, args.tool, seed, args.rounds)
    n_b = run_osken_to_ours(tap, args.tool, seed, args.count)
    tap.comment("ours->os-ken: %d messages of %d kinds; os-ken->ours: %d "
                "messages of %d kinds" % (n_a, 58, n_b, len(OSKEN_KINDS)))
    status = tap.done()
    if status:
        tap.comment("FAILED with seed %d" % seed)
    return status


if __name__ == "__main__":
    sys.exit(main())
