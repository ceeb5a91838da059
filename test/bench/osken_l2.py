#!/usr/bin/python3
"""osken_l2: the os-ken side of `make bench` (run by test/bench/run-bench.py).

A reactive OpenFlow 1.3 learning switch for os-ken, written for the
comparison with Sluice's l2_learning app because Debian's python3-os-ken ships
no sample apps.  It has the shape of Ryu's well-known simple_switch_13, so the
figures are those of os-ken as people use it:

  - on FEATURES_REPLY: a table-miss flow (priority 0, empty match,
    OUTPUT:CONTROLLER, max_len OFPCML_NO_BUFFER);
  - on PACKET_IN: the frame is parsed with os-ken's packet library; LLDP is
    ignored; the source MAC is learned on the in_port, per datapath;
  - destination known: a FLOW_MOD (priority 1, match in_port, eth_dst,
    eth_src, APPLY_ACTIONS OUTPUT:port) carrying the PACKET_IN's buffer_id
    when it has one, otherwise a FLOW_MOD and a PACKET_OUT with the frame;
  - destination unknown: a PACKET_OUT flooding the frame (by buffer_id when
    the switch buffered it).

Run:  osken-manager --ofp-tcp-listen-port PORT test/bench/osken_l2.py
"""

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER
from os_ken.controller.handler import set_ev_cls
from os_ken.lib.packet import ether_types, ethernet, packet
from os_ken.ofproto import ofproto_v1_3


class L2Learning(app_manager.OSKenApp):
    """MAC learning per datapath; floods what it has not learned yet."""

    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mac_to_port = {}  # dpid -> {MAC string: port number}

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features(self, ev):
        """Sends every unmatched packet to the controller."""
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        actions = [parser.OFPActionOutput(ofp.OFPP_CONTROLLER,
                                          ofp.OFPCML_NO_BUFFER)]
        self.add_flow(dp, 0, parser.OFPMatch(), actions)

    @staticmethod
    def add_flow(dp, priority, match, actions, buffer_id=None):
        """Sends a FLOW_MOD ADD to table 0 of 'dp' applying 'actions' to
        'match'; 'buffer_id' (if given) applies it to a buffered packet."""
        ofp, parser = dp.ofproto, dp.ofproto_parser
        inst = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS,
                                             actions)]
        if buffer_id is None:
            buffer_id = ofp.OFP_NO_BUFFER
        dp.send_msg(parser.OFPFlowMod(datapath=dp, buffer_id=buffer_id,
                                      priority=priority, match=match,
                                      instructions=inst))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in(self, ev):
        """Learns the source, then installs a flow or floods."""
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match['in_port']

        eth = packet.Packet(msg.data).get_protocols(ethernet.ethernet)[0]
        if eth.ethertype == ether_types.ETH_TYPE_LLDP:
            return

        ports = self.mac_to_port.setdefault(dp.id, {})
        ports[eth.src] = in_port
        out_port = ports.get(eth.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]

        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_dst=eth.dst,
                                    eth_src=eth.src)
            if msg.buffer_id != ofp.OFP_NO_BUFFER:
                self.add_flow(dp, 1, match, actions, msg.buffer_id)
                return
            self.add_flow(dp, 1, match, actions)

        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id,
                                        in_port=in_port, actions=actions,
                                        data=data))
