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
