/* openflow13: the constants of OpenFlow 1.3.5 (ONF TS-023), host order.
 *
 * Facts of the specification only: numbers, fixed wire sizes and bit
 * values.  No code.  Names follow the specification so they can be found
 * in it.  Wire sizes are the fixed part of each structure in bytes.
 */
#ifndef OFPROTO_OPENFLOW13_H
#define OFPROTO_OPENFLOW13_H 1

#define OFP13_VERSION 0x04
#define OFP_TCP_PORT 6653
#define OFP_SSL_PORT 6653
#define OFP_MAX_TABLE_NAME_LEN 32
#define OFP_MAX_PORT_NAME_LEN 16
#define DESC_STR_LEN 256
#define SERIAL_NUM_LEN 32
#define OFP_ETH_ALEN 6
#define OFP_NO_BUFFER 0xffffffffu
#define OFP_DEFAULT_MISS_SEND_LEN 128
#define OFPCML_MAX 0xffe5
#define OFPCML_NO_BUFFER 0xffff

/* Fixed wire sizes. */
enum {
    OFP_HEADER_LEN = 8,
    OFP_HELLO_ELEM_HEADER_LEN = 4,
    OFP_ERROR_LEN = 12,
    OFP_ERROR_EXPERIMENTER_LEN = 16,
    OFP_EXPERIMENTER_HEADER_LEN = 16,
    OFP_SWITCH_FEATURES_LEN = 32,
    OFP_SWITCH_CONFIG_LEN = 12,
    OFP_MATCH_HEADER_LEN = 4,
    OFP_MATCH_MIN_LEN = 8,  /* header padded to 8 */
    OFP_PACKET_IN_LEN = 34, /* with an empty (8-byte) match */
    OFP_FLOW_REMOVED_LEN = 56,
    OFP_PORT_LEN = 64,
    OFP_PORT_STATUS_LEN = 80,
    OFP_PACKET_OUT_LEN = 24,
    OFP_FLOW_MOD_LEN = 56,
    OFP_GROUP_MOD_LEN = 16,
    OFP_BUCKET_LEN = 16,
    OFP_PORT_MOD_LEN = 40,
    OFP_TABLE_MOD_LEN = 16,
    OFP_MULTIPART_LEN = 16, /* request and reply header */
    OFP_MULTIPART_EXPERIMENTER_LEN = 8,
    OFP_DESC_LEN = 1056,
    OFP_FLOW_STATS_REQUEST_LEN = 40,
    OFP_FLOW_STATS_LEN = 56,
    OFP_AGGREGATE_STATS_REPLY_LEN = 24,
    OFP_TABLE_STATS_LEN = 24,
    OFP_PORT_STATS_REQUEST_LEN = 8,
    OFP_PORT_STATS_LEN = 112,
    OFP_QUEUE_STATS_REQUEST_LEN = 8,
    OFP_QUEUE_STATS_LEN = 40,
    OFP_GROUP_STATS_REQUEST_LEN = 8,
    OFP_GROUP_STATS_LEN = 40,
    OFP_BUCKET_COUNTER_LEN = 16,
    OFP_GROUP_DESC_LEN = 8,
    OFP_GROUP_FEATURES_LEN = 40,
    OFP_METER_MULTIPART_REQUEST_LEN = 8,
    OFP_METER_STATS_LEN = 40,
    OFP_METER_BAND_STATS_LEN = 16,
    OFP_METER_CONFIG_LEN = 8,
    OFP_METER_FEATURES_LEN = 16,
    OFP_METER_BAND_LEN = 16,
    OFP_METER_MOD_LEN = 16,
    OFP_TABLE_FEATURES_LEN = 64,
    OFP_TABLE_FEATURE_PROP_HEADER_LEN = 4,
    OFP_QUEUE_GET_CONFIG_REQUEST_LEN = 16,
    OFP_QUEUE_GET_CONFIG_REPLY_LEN = 16,
    OFP_PACKET_QUEUE_LEN = 16,
    OFP_QUEUE_PROP_HEADER_LEN = 8,
    OFP_QUEUE_PROP_RATE_LEN = 16,
    OFP_QUEUE_PROP_EXPERIMENTER_LEN = 16,
    OFP_ROLE_REQUEST_LEN = 24,
    OFP_ASYNC_CONFIG_LEN = 32,
    OFP_ACTION_HEADER_LEN = 8,
    OFP_ACTION_OUTPUT_LEN = 16,
    OFP_INSTRUCTION_HEADER_LEN = 4,
    OFP_INSTRUCTION_WRITE_METADATA_LEN = 24,
};

/* Message types (ofp_type). */
enum ofp_type {
    OFPT_HELLO = 0,
    OFPT_ERROR = 1,
    OFPT_ECHO_REQUEST = 2,
    OFPT_ECHO_REPLY = 3,
    OFPT_EXPERIMENTER = 4,
    OFPT_FEATURES_REQUEST = 5,
    OFPT_FEATURES_REPLY = 6,
    OFPT_GET_CONFIG_REQUEST = 7,
    OFPT_GET_CONFIG_REPLY = 8,
    OFPT_SET_CONFIG = 9,
    OFPT_PACKET_IN = 10,
    OFPT_FLOW_REMOVED = 11,
    OFPT_PORT_STATUS = 12,
    OFPT_PACKET_OUT = 13,
    OFPT_FLOW_MOD = 14,
    OFPT_GROUP_MOD = 15,
    OFPT_PORT_MOD = 16,
    OFPT_TABLE_MOD = 17,
    OFPT_MULTIPART_REQUEST = 18,
    OFPT_MULTIPART_REPLY = 19,
    OFPT_BARRIER_REQUEST = 20,
    OFPT_BARRIER_REPLY = 21,
    OFPT_QUEUE_GET_CONFIG_REQUEST = 22,
    OFPT_QUEUE_GET_CONFIG_REPLY = 23,
    OFPT_ROLE_REQUEST = 24,
    OFPT_ROLE_REPLY = 25,
    OFPT_GET_ASYNC_REQUEST = 26,
    OFPT_GET_ASYNC_REPLY = 27,
    OFPT_SET_ASYNC = 28,
    OFPT_METER_MOD = 29,
};
#define OFPT_MAX 29

enum ofp_hello_elem_type { OFPHET_VERSIONBITMAP = 1 };

/* Reserved port numbers. */
enum ofp_port_no {
    OFPP_MAX = 0xffffff00u,
    OFPP_IN_PORT = 0xfffffff8u,
    OFPP_TABLE = 0xfffffff9u,
    OFPP_NORMAL = 0xfffffffau,
    OFPP_FLOOD = 0xfffffffbu,
    OFPP_ALL = 0xfffffffcu,
    OFPP_CONTROLLER = 0xfffffffdu,
    OFPP_LOCAL = 0xfffffffeu,
    OFPP_ANY = 0xffffffffu,
};

enum ofp_port_config {
    OFPPC_PORT_DOWN = 1 << 0,
    OFPPC_NO_RECV = 1 << 2,
    OFPPC_NO_FWD = 1 << 5,
    OFPPC_NO_PACKET_IN = 1 << 6,
};

enum ofp_port_state {
    OFPPS_LINK_DOWN = 1 << 0,
    OFPPS_BLOCKED = 1 << 1,
    OFPPS_LIVE = 1 << 2,
};

enum ofp_port_features {
    OFPPF_10MB_HD = 1 << 0,
    OFPPF_10MB_FD = 1 << 1,
    OFPPF_100MB_HD = 1 << 2,
    OFPPF_100MB_FD = 1 << 3,
    OFPPF_1GB_HD = 1 << 4,
    OFPPF_1GB_FD = 1 << 5,
    OFPPF_10GB_FD = 1 << 6,
    OFPPF_40GB_FD = 1 << 7,
    OFPPF_100GB_FD = 1 << 8,
    OFPPF_1TB_FD = 1 << 9,
    OFPPF_OTHER = 1 << 10,
    OFPPF_COPPER = 1 << 11,
    OFPPF_FIBER = 1 << 12,
    OFPPF_AUTONEG = 1 << 13,
    OFPPF_PAUSE = 1 << 14,
    OFPPF_PAUSE_ASYM = 1 << 15,
};

enum ofp_port_reason { OFPPR_ADD = 0, OFPPR_DELETE = 1, OFPPR_MODIFY = 2 };

enum ofp_capabilities {
    OFPC_FLOW_STATS = 1 << 0,
    OFPC_TABLE_STATS = 1 << 1,
    OFPC_PORT_STATS = 1 << 2,
    OFPC_GROUP_STATS = 1 << 3,
    OFPC_IP_REASM = 1 << 5,
    OFPC_QUEUE_STATS = 1 << 6,
    OFPC_PORT_BLOCKED = 1 << 8,
};

enum ofp_config_flags {
    OFPC_FRAG_NORMAL = 0,
    OFPC_FRAG_DROP = 1,
    OFPC_FRAG_REASM = 2,
    OFPC_FRAG_MASK = 3,
};

enum ofp_table { OFPTT_MAX = 0xfe, OFPTT_ALL = 0xff };

enum ofp_table_config { OFPTC_DEPRECATED_MASK = 3 };

/* Match. */
enum ofp_match_type { OFPMT_STANDARD = 0, OFPMT_OXM = 1 };

enum ofp_oxm_class {
    OFPXMC_NXM_0 = 0x0000,
    OFPXMC_NXM_1 = 0x0001,
    OFPXMC_OPENFLOW_BASIC = 0x8000,
    OFPXMC_EXPERIMENTER = 0xffff,
};

enum oxm_ofb_match_fields {
    OFPXMT_OFB_IN_PORT = 0,
    OFPXMT_OFB_IN_PHY_PORT = 1,
    OFPXMT_OFB_METADATA = 2,
    OFPXMT_OFB_ETH_DST = 3,
    OFPXMT_OFB_ETH_SRC = 4,
    OFPXMT_OFB_ETH_TYPE = 5,
    OFPXMT_OFB_VLAN_VID = 6,
    OFPXMT_OFB_VLAN_PCP = 7,
    OFPXMT_OFB_IP_DSCP = 8,
    OFPXMT_OFB_IP_ECN = 9,
    OFPXMT_OFB_IP_PROTO = 10,
    OFPXMT_OFB_IPV4_SRC = 11,
    OFPXMT_OFB_IPV4_DST = 12,
    OFPXMT_OFB_TCP_SRC = 13,
    OFPXMT_OFB_TCP_DST = 14,
    OFPXMT_OFB_UDP_SRC = 15,
    OFPXMT_OFB_UDP_DST = 16,
    OFPXMT_OFB_SCTP_SRC = 17,
    OFPXMT_OFB_SCTP_DST = 18,
    OFPXMT_OFB_ICMPV4_TYPE = 19,
    OFPXMT_OFB_ICMPV4_CODE = 20,
    OFPXMT_OFB_ARP_OP = 21,
    OFPXMT_OFB_ARP_SPA = 22,
    OFPXMT_OFB_ARP_TPA = 23,
    OFPXMT_OFB_ARP_SHA = 24,
    OFPXMT_OFB_ARP_THA = 25,
    OFPXMT_OFB_IPV6_SRC = 26,
    OFPXMT_OFB_IPV6_DST = 27,
    OFPXMT_OFB_IPV6_FLABEL = 28,
    OFPXMT_OFB_ICMPV6_TYPE = 29,
    OFPXMT_OFB_ICMPV6_CODE = 30,
    OFPXMT_OFB_IPV6_ND_TARGET = 31,
    OFPXMT_OFB_IPV6_ND_SLL = 32,
    OFPXMT_OFB_IPV6_ND_TLL = 33,
    OFPXMT_OFB_MPLS_LABEL = 34,
    OFPXMT_OFB_MPLS_TC = 35,
    OFPXMT_OFB_MPLS_BOS = 36,
    OFPXMT_OFB_PBB_ISID = 37,
    OFPXMT_OFB_TUNNEL_ID = 38,
    OFPXMT_OFB_IPV6_EXTHDR = 39,
    /* Defined by OpenFlow 1.4+, used in 1.3 by Ryu and OVS. */
    OFPXMT_OFB_PBB_UCA = 41,
    OFPXMT_OFB_TCP_FLAGS = 42,
    OFPXMT_OFB_ACTSET_OUTPUT = 43,
};
#define OFPXMT_OFB_MAX 43

enum ofp_vlan_id { OFPVID_PRESENT = 0x1000, OFPVID_NONE = 0x0000 };

enum ofp_ipv6exthdr_flags {
    OFPIEH_NONEXT = 1 << 0,
    OFPIEH_ESP = 1 << 1,
    OFPIEH_AUTH = 1 << 2,
    OFPIEH_DEST = 1 << 3,
    OFPIEH_FRAG = 1 << 4,
    OFPIEH_ROUTER = 1 << 5,
    OFPIEH_HOP = 1 << 6,
    OFPIEH_UNREP = 1 << 7,
    OFPIEH_UNSEQ = 1 << 8,
};

/* Actions. */
enum ofp_action_type {
    OFPAT_OUTPUT = 0,
    OFPAT_COPY_TTL_OUT = 11,
    OFPAT_COPY_TTL_IN = 12,
    OFPAT_SET_MPLS_TTL = 15,
    OFPAT_DEC_MPLS_TTL = 16,
    OFPAT_PUSH_VLAN = 17,
    OFPAT_POP_VLAN = 18,
    OFPAT_PUSH_MPLS = 19,
    OFPAT_POP_MPLS = 20,
    OFPAT_SET_QUEUE = 21,
    OFPAT_GROUP = 22,
    OFPAT_SET_NW_TTL = 23,
    OFPAT_DEC_NW_TTL = 24,
    OFPAT_SET_FIELD = 25,
    OFPAT_PUSH_PBB = 26,
    OFPAT_POP_PBB = 27,
    OFPAT_EXPERIMENTER = 0xffff,
};

/* Instructions. */
enum ofp_instruction_type {
    OFPIT_GOTO_TABLE = 1,
    OFPIT_WRITE_METADATA = 2,
    OFPIT_WRITE_ACTIONS = 3,
    OFPIT_APPLY_ACTIONS = 4,
    OFPIT_CLEAR_ACTIONS = 5,
    OFPIT_METER = 6,
    OFPIT_EXPERIMENTER = 0xffff,
};

/* Flow mod. */
enum ofp_flow_mod_command {
    OFPFC_ADD = 0,
    OFPFC_MODIFY = 1,
    OFPFC_MODIFY_STRICT = 2,
    OFPFC_DELETE = 3,
    OFPFC_DELETE_STRICT = 4,
};

enum ofp_flow_mod_flags {
    OFPFF_SEND_FLOW_REM = 1 << 0,
    OFPFF_CHECK_OVERLAP = 1 << 1,
    OFPFF_RESET_COUNTS = 1 << 2,
    OFPFF_NO_PKT_COUNTS = 1 << 3,
    OFPFF_NO_BYT_COUNTS = 1 << 4,
};

/* Groups. */
enum ofp_group {
    OFPG_MAX = 0xffffff00u,
    OFPG_ALL = 0xfffffffcu,
    OFPG_ANY = 0xffffffffu,
};
enum ofp_group_mod_command {
    OFPGC_ADD = 0,
    OFPGC_MODIFY = 1,
    OFPGC_DELETE = 2
};
enum ofp_group_type {
    OFPGT_ALL = 0,
    OFPGT_SELECT = 1,
    OFPGT_INDIRECT = 2,
    OFPGT_FF = 3,
};
enum ofp_group_capabilities {
    OFPGFC_SELECT_WEIGHT = 1 << 0,
    OFPGFC_SELECT_LIVENESS = 1 << 1,
    OFPGFC_CHAINING = 1 << 2,
    OFPGFC_CHAINING_CHECKS = 1 << 3,
};

/* Packet-in / flow-removed reasons. */
enum ofp_packet_in_reason {
    OFPR_NO_MATCH = 0,
    OFPR_ACTION = 1,
    OFPR_INVALID_TTL = 2,
};
enum ofp_flow_removed_reason {
    OFPRR_IDLE_TIMEOUT = 0,
    OFPRR_HARD_TIMEOUT = 1,
    OFPRR_DELETE = 2,
    OFPRR_GROUP_DELETE = 3,
};

/* Meters. */
enum ofp_meter {
    OFPM_MAX = 0xffff0000u,
    OFPM_SLOWPATH = 0xfffffffdu,
    OFPM_CONTROLLER = 0xfffffffeu,
    OFPM_ALL = 0xffffffffu,
};
enum ofp_meter_band_type {
    OFPMBT_DROP = 1,
    OFPMBT_DSCP_REMARK = 2,
    OFPMBT_EXPERIMENTER = 0xffff,
};
enum ofp_meter_mod_command {
    OFPMC_ADD = 0,
    OFPMC_MODIFY = 1,
    OFPMC_DELETE = 2
};
enum ofp_meter_flags {
    OFPMF_KBPS = 1 << 0,
    OFPMF_PKTPS = 1 << 1,
    OFPMF_BURST = 1 << 2,
    OFPMF_STATS = 1 << 3,
};

/* Multipart. */
enum ofp_multipart_type {
    OFPMP_DESC = 0,
    OFPMP_FLOW = 1,
    OFPMP_AGGREGATE = 2,
    OFPMP_TABLE = 3,
    OFPMP_PORT_STATS = 4,
    OFPMP_QUEUE = 5,
    OFPMP_GROUP = 6,
    OFPMP_GROUP_DESC = 7,
    OFPMP_GROUP_FEATURES = 8,
    OFPMP_METER = 9,
    OFPMP_METER_CONFIG = 10,
    OFPMP_METER_FEATURES = 11,
    OFPMP_TABLE_FEATURES = 12,
    OFPMP_PORT_DESC = 13,
    OFPMP_EXPERIMENTER = 0xffff,
};
enum ofp_multipart_request_flags { OFPMPF_REQ_MORE = 1 << 0 };
enum ofp_multipart_reply_flags { OFPMPF_REPLY_MORE = 1 << 0 };

enum ofp_table_feature_prop_type {
    OFPTFPT_INSTRUCTIONS = 0,
    OFPTFPT_INSTRUCTIONS_MISS = 1,
    OFPTFPT_NEXT_TABLES = 2,
    OFPTFPT_NEXT_TABLES_MISS = 3,
    OFPTFPT_WRITE_ACTIONS = 4,
    OFPTFPT_WRITE_ACTIONS_MISS = 5,
    OFPTFPT_APPLY_ACTIONS = 6,
    OFPTFPT_APPLY_ACTIONS_MISS = 7,
    OFPTFPT_MATCH = 8,
    OFPTFPT_WILDCARDS = 10,
    OFPTFPT_WRITE_SETFIELD = 12,
    OFPTFPT_WRITE_SETFIELD_MISS = 13,
    OFPTFPT_APPLY_SETFIELD = 14,
    OFPTFPT_APPLY_SETFIELD_MISS = 15,
    OFPTFPT_EXPERIMENTER = 0xfffe,
    OFPTFPT_EXPERIMENTER_MISS = 0xffff,
};

/* Queues. */
enum ofp_queue { OFPQ_ALL = 0xffffffffu };
enum ofp_queue_properties {
    OFPQT_MIN_RATE = 1,
    OFPQT_MAX_RATE = 2,
    OFPQT_EXPERIMENTER = 0xffff,
};

/* Roles. */
enum ofp_controller_role {
    OFPCR_ROLE_NOCHANGE = 0,
    OFPCR_ROLE_EQUAL = 1,
    OFPCR_ROLE_MASTER = 2,
    OFPCR_ROLE_SLAVE = 3,
};

/* Error types (the codes are in ofp-errors.h). */
enum ofp_error_type {
    OFPET_HELLO_FAILED = 0,
    OFPET_BAD_REQUEST = 1,
    OFPET_BAD_ACTION = 2,
    OFPET_BAD_INSTRUCTION = 3,
    OFPET_BAD_MATCH = 4,
    OFPET_FLOW_MOD_FAILED = 5,
    OFPET_GROUP_MOD_FAILED = 6,
    OFPET_PORT_MOD_FAILED = 7,
    OFPET_TABLE_MOD_FAILED = 8,
    OFPET_QUEUE_OP_FAILED = 9,
    OFPET_SWITCH_CONFIG_FAILED = 10,
    OFPET_ROLE_REQUEST_FAILED = 11,
    OFPET_METER_MOD_FAILED = 12,
    OFPET_TABLE_FEATURES_FAILED = 13,
    OFPET_EXPERIMENTER = 0xffff,
};

#endif /* OFPROTO_OPENFLOW13_H */
