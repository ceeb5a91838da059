"""topos: Mininet topologies for Sluice's demos and end-to-end tests.

    mn --custom mininet-scripts/topos.py --topo ring,4 \\
       --switch ovs,datapath=user,protocols=OpenFlow13 \\
       --controller remote,ip=127.0.0.1,port=6653

  tree,DEPTH[,FANOUT]  Mininet's tree (FANOUT defaults to 2)
  linear,K[,N]         Mininet's chain of K switches, N hosts on each
  ring,N[,H]           N switches in a cycle (N >= 3), H hosts on each
                       (default 1).  It has a loop: flooding needs the
                       spanning tree of the topology service.
  dumbbell[,N]         two switches joined by one link, N hosts on each
                       side (default 2): every left-right flow shares
                       the middle link.

Host hN gets 10.0.0.N and, with `mn --mac` (or Mininet(autoSetMacs=True)),
MAC 00:00:00:00:00:0N; switch sN gets datapath id N.  Scripts import the
classes directly (from topos import RingTopo).
"""

from mininet.topo import Topo
from mininet.topolib import TreeTopo
from mininet.topo import LinearTopo


class RingTopo(Topo):
    """'n' switches s1..sn in a cycle, 'hosts' hosts on each."""

    def build(self, n=3, hosts=1):
        if n < 3:
            raise ValueError('a ring needs at least 3 switches')
        switches = [self.addSwitch('s%d' % i) for i in range(1, n + 1)]
        h = 1
        for sw in switches:
            for _ in range(hosts):
                self.addLink(self.addHost('h%d' % h), sw)
                h += 1
        for i, sw in enumerate(switches):
            self.addLink(sw, switches[(i + 1) % n])


class DumbbellTopo(Topo):
    """s1 and s2 joined by one link; h1..hn on s1, hn+1..h2n on s2."""

    def build(self, n=2):
        left, right = self.addSwitch('s1'), self.addSwitch('s2')
        self.addLink(left, right)
        for i in range(1, n + 1):
            self.addLink(self.addHost('h%d' % i), left)
        for i in range(n + 1, 2 * n + 1):
            self.addLink(self.addHost('h%d' % i), right)


topos = {
    'tree': TreeTopo,
    'linear': LinearTopo,
    'ring': RingTopo,
    'dumbbell': DumbbellTopo,
}


class EndsTopo(Topo):
    """'k' switches s1..sk in a line, h1 on s1 and h2 on sk: every frame
    between the two hosts crosses all k switches."""

    def build(self, k=3):
        if k < 1:
            raise ValueError('a line needs at least 1 switch')
        switches = [self.addSwitch('s%d' % i) for i in range(1, k + 1)]
        self.addLink(self.addHost('h1'), switches[0])
        self.addLink(self.addHost('h2'), switches[-1])
        for a, b in zip(switches, switches[1:]):
            self.addLink(a, b)


class RoutedTopo(Topo):
    """Two IPv4/IPv6 subnets behind Sluice's l3_routing on a line of
    three switches, and a third one behind a Linux router host:

        h1 --1 s1 2-- 1 s2 2 --3 s3 1-- h2
                                   2-- r --- h3

    h1 10.0.1.10/24 (gateway 10.0.1.1) on s1 port 1; h2 10.0.2.10/24
    (gateway 10.0.2.1) on s3 port 1; r 10.0.2.254/24 on s3 port 2, whose
    second interface 10.0.3.254/24 is cabled straight to h3 10.0.3.10/24
    (default route via r).  r's own default route is the gateway
    10.0.2.1.  The switch port numbers are fixed as drawn (the config of
    the router app names them).  IPv6 (2001:db8:N::/64, the same host
    numbers in hex), forwarding on r and the v6 routes are set up by the
    test once the network runs (RoutedTopo.IPV6 says what)."""

    IPV6 = {
        'h1': [('h1-eth0', '2001:db8:1::10/64')],
        'h2': [('h2-eth0', '2001:db8:2::10/64')],
        'r': [('r-eth0', '2001:db8:2::fe/64'),
              ('r-eth1', '2001:db8:3::fe/64')],
        'h3': [('h3-eth0', '2001:db8:3::10/64')],
    }
    IPV6_GATEWAY = {'h1': '2001:db8:1::1', 'h2': '2001:db8:2::1',
                    'r': '2001:db8:2::1', 'h3': '2001:db8:3::fe'}

    def build(self):
        s1, s2, s3 = (self.addSwitch('s%d' % i) for i in (1, 2, 3))
        h1 = self.addHost('h1', ip='10.0.1.10/24', defaultRoute='via 10.0.1.1')
        h2 = self.addHost('h2', ip='10.0.2.10/24', defaultRoute='via 10.0.2.1')
        r = self.addHost('r', ip='10.0.2.254/24',
                         defaultRoute='via 10.0.2.1')
        h3 = self.addHost('h3', ip='10.0.3.10/24',
                          defaultRoute='via 10.0.3.254')
        self.addLink(h1, s1, port2=1)
        self.addLink(s1, s2, port1=2, port2=1)
        self.addLink(s2, s3, port1=2, port2=3)
        self.addLink(h2, s3, port2=1)
        self.addLink(r, s3, port2=2)
        self.addLink(r, h3, params1={'ip': '10.0.3.254/24'},
                     params2={'ip': '10.0.3.10/24'})


topos['ends'] = EndsTopo
topos['routed'] = RoutedTopo
