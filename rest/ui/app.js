/* Sluice: the live topology page (rest/ui/; served at /ui/).
 *
 * Reads the topology from /api/v1/topology (switches with their ports,
 * directed links, hosts), draws it as SVG, and keeps it live from the
 * Server-Sent Events of /api/v1/events; a dropped stream is reopened (with
 * a growing delay) and the topology read again.  A click on a switch shows
 * its ports (/api/v1/switches/{dpid}, then port events) and its flows
 * (/stats/flow/0x{dpid}) in the side panel.  Plain ES2020, no framework,
 * nothing fetched from elsewhere.
 *
 * Links: the API lists directed links (one per direction); the page draws
 * one line per cable (the two directions together).  A cable is live while
 * at least one of its directions is listed (the topology service lists a
 * link only while both are seen).  A cable that goes is kept on the map,
 * dashed red and flagged, and leaves the live count; when it comes back it
 * is drawn normally again.  It is forgotten when one of its switches goes.
 *
 * Layout: a tree with branches is drawn in layers from its centre down;
 * anything else by stress majorization on hop distances, started from
 * classical MDS, turned so that most links run along the axes.  Both are
 * deterministic (the same network gives the same picture).  A switch keeps
 * its place once placed (and takes it again if it goes and comes back):
 * only switches placed less than SETTLE_MS ago move when links join them.
 * Hosts sit around their switch, in the widest gap between its links, and
 * do not move either.  The view grows to show a new switch; it never
 * shrinks on its own.
 *
 * Hosts' addresses are learned after the hosts, with no event: the page
 * reads the whole topology again every RESYNC_MS.
 *
 * Hooks for tests and scripts (stable):
 *   <g class="switch" data-dpid="0000000000000001">       each switch
 *   <line class="link [tree] [down]" data-src="DPID:PORT" data-dst=...>
 *       each cable, its ends in a fixed order (src < dst)
 *   <g class="host" data-mac="00:00:00:00:00:01" data-dpid=...>
 *   <aside id="panel" data-dpid=... data-state="loading|ready|error"
 *       data-ports=N data-flows=N>, rows <tr class="port" data-port-no=N
 *       data-up="true|false"> and <tr class="flow" data-table=T
 *       data-priority=P>
 *   document.body.dataset: switches, links (cables drawn), linksUp (live
 *   cables), linksDown, linksDirected (live directed links, as the API
 *   counts them), hosts, stream ("connecting", "open", "reconnecting"),
 *   loaded ("true" after the first topology), events (received), and
 *   topology ("on" or "off": discovery disabled). */
'use strict';

(() => {
    const API = {
        topology: '/api/v1/topology',
        events: '/api/v1/events',
        switch: (dpid) => '/api/v1/switches/' + dpid,
        flows: (dpid) => '/stats/flow/0x' + dpid,
    };
    const EVENT_TYPES = [
        'switch_up', 'switch_down', 'port_status', 'port_up', 'port_down',
        'link_up', 'link_down', 'host_add', 'host_move', 'host_remove',
        'tree_changed', 'flow_error', 'switch_error',
    ];
    const SVGNS = 'http://www.w3.org/2000/svg';
    const EDGE = 170;           // layout units between linked switches
    const HOST_R = 62;          // a host's distance from its switch
    const MARGIN = HOST_R + 70; // around the switches in the view
    const SW_W = 64;            // a switch's box
    const SW_H = 34;
    const SETTLE_MS = 5000;     // a switch may still move this long
    const RECONNECT_MIN = 500;  // ms before reopening a dropped stream
    const RECONNECT_MAX = 8000;
    const REFETCH_MS = 250;     // events that need a new read, batched
    const RESYNC_MS = 10000;    // a full read this often (a host's new
                                // addresses come with no event)
    const MAX_FLOWS = 500;      // rows of the flow table shown
    const PARALLEL = 10;        // units between cables in parallel

    const state = {
        switches: new Map(), // dpid -> node
        cables: new Map(),   // cable key -> cable
        hosts: new Map(),    // mac -> host
        enabled: true,
        loaded: false,
        events: 0,
        stream: 'connecting',
        es: null,
        backoff: RECONNECT_MIN,
        fetching: false,
        fetchAgain: false,
        queue: [],           // events received while a read is under way
        refetchTimer: 0,
        relayoutTimer: 0,
        view: null,          // the viewBox: {x, y, w, h}
        places: new Map(),   // dpid -> [x, y] of switches that went
        panel: null,         // {dpid, ports: Map, seq}
    };

    const $ = (id) => document.getElementById(id);

    function svg(tag, attrs, parent) {
        const el = document.createElementNS(SVGNS, tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            el.setAttribute(k, v);
        }
        if (parent) {
            parent.appendChild(el);
        }
        return el;
    }

    function html(tag, text, parent) {
        const el = document.createElement(tag);
        if (text !== undefined) {
            el.textContent = text;
        }
        if (parent) {
            parent.appendChild(el);
        }
        return el;
    }

    /* "0000000000000001" -> "1" */
    function shortDpid(dpid) {
        return dpid.replace(/^0+(?=.)/, '');
    }

    function endKey(dpid, port) {
        return dpid + ':' + port;
    }

    function compareEnds(a, b) {
        if (a.dpid !== b.dpid) {
            return a.dpid < b.dpid ? -1 : 1;
        }
        return Number(a.port) - Number(b.port);
    }

    /* The cable of a directed link, its ends in a fixed order. */
    function cableOf(src, dst) {
        const a = {dpid: src.dpid, port: src.port_no};
        const b = {dpid: dst.dpid, port: dst.port_no};
        const [x, y] = compareEnds(a, b) <= 0 ? [a, b] : [b, a];
        return {
            key: endKey(x.dpid, x.port) + '-' + endKey(y.dpid, y.port),
            a: x,
            b: y,
            dir: endKey(a.dpid, a.port) + '>' + endKey(b.dpid, b.port),
        };
    }

    /* ---------------------------------------------------------- model */

    function switchName(node) {
        const local = node.ports.get('LOCAL');
        return local && local.name ? local.name : shortDpid(node.dpid);
    }

    function upsertSwitch(dpid, ports) {
        let node = state.switches.get(dpid);
        if (!node) {
            // A switch that comes back takes its old place.
            const [x, y] = state.places.get(dpid) || [];
            node = {dpid, ports: new Map(), x, y, placedAt: x === undefined
                ? 0 : -SETTLE_MS, el: null};
            state.switches.set(dpid, node);
        }
        if (ports) {
            node.ports = new Map();
            for (const p of ports) {
                node.ports.set(String(p.port_no), {
                    port_no: p.port_no, name: p.name, hw_addr: p.hw_addr,
                    role: p.role,
                });
            }
        }
        return node;
    }

    function removeSwitch(dpid) {
        const node = state.switches.get(dpid);
        if (!node) {
            return;
        }
        for (const cable of [...state.cables.values()]) {
            if (cable.a.dpid === dpid || cable.b.dpid === dpid) {
                dropCable(cable);
            }
        }
        for (const host of [...state.hosts.values()]) {
            if (host.dpid === dpid) {
                dropHost(host);
            }
        }
        if (node.el) {
            node.el.remove();
        }
        if (node.x !== undefined) {
            state.places.set(dpid, [node.x, node.y]);
        }
        state.switches.delete(dpid);
        if (state.panel && state.panel.dpid === dpid) {
            closePanel();
        }
    }

    function dropCable(cable) {
        for (const el of cable.els || []) {
            el.remove();
        }
        state.cables.delete(cable.key);
    }

    function dropHost(host) {
        if (host.el) {
            host.el.remove();
            host.line.remove();
        }
        state.hosts.delete(host.mac);
    }

    /* Adds ('up') or removes a direction of a cable; returns the cable. */
    function linkDirection(src, dst, up, extra) {
        const c = cableOf(src, dst);
        let cable = state.cables.get(c.key);
        if (!cable) {
            if (!up || !state.switches.has(c.a.dpid)
                || !state.switches.has(c.b.dpid)) {
                return null;
            }
            cable = {key: c.key, a: c.a, b: c.b, dirs: new Set(),
                tree: false, latency: 0, els: null};
            state.cables.set(c.key, cable);
            noteNewCable(cable);
        }
        if (up) {
            cable.dirs.add(c.dir);
        } else {
            cable.dirs.delete(c.dir);
        }
        if (extra) {
            if (extra.tree !== undefined) {
                cable.tree = extra.tree;
            }
            if (extra.latency_ms !== undefined) {
                cable.latency = extra.latency_ms;
            }
        }
        return cable;
    }

    function upsertHost(h) {
        let host = state.hosts.get(h.mac);
        const moved = host && (host.dpid !== h.dpid
            || String(host.port_no) !== String(h.port_no));
        if (!host) {
            host = {mac: h.mac, el: null, line: null};
            state.hosts.set(h.mac, host);
        }
        host.ipv4 = h.ipv4 || [];
        host.ipv6 = h.ipv6 || [];
        host.vlan = h.vlan;
        host.dpid = h.dpid;
        host.port_no = h.port_no;
        if (moved) {
            host.x = undefined;
        }
        return host;
    }

    /* Replaces the model with a topology read (/api/v1/topology). */
    function applySnapshot(topo) {
        state.enabled = topo.enabled !== false;
        const seen = new Set();
        for (const s of topo.switches || []) {
            seen.add(s.dpid);
            upsertSwitch(s.dpid, s.ports);
        }
        for (const dpid of [...state.switches.keys()]) {
            if (!seen.has(dpid)) {
                removeSwitch(dpid);
            }
        }
        const live = new Map();
        for (const l of topo.links || []) {
            const c = cableOf(l.src, l.dst);
            if (!live.has(c.key)) {
                live.set(c.key, []);
            }
            live.get(c.key).push(l);
        }
        for (const cable of state.cables.values()) {
            if (!live.has(cable.key)) {
                cable.dirs.clear();
            }
        }
        for (const links of live.values()) {
            const first = cableOf(links[0].src, links[0].dst);
            const cable = state.cables.get(first.key);
            if (cable) {
                cable.dirs.clear();
            }
            for (const l of links) {
                linkDirection(l.src, l.dst, true, l);
            }
        }
        const hosts = new Set();
        for (const h of topo.hosts || []) {
            if (state.switches.has(h.dpid)) {
                hosts.add(h.mac);
                upsertHost(h);
            }
        }
        for (const host of [...state.hosts.values()]) {
            if (!hosts.has(host.mac)) {
                dropHost(host);
            }
        }
        if (state.panel) {
            const node = state.switches.get(state.panel.dpid);
            if (node) {
                for (const [no, p] of node.ports) {
                    const shown = state.panel.ports.get(no);
                    if (shown) {
                        shown.role = p.role;
                    }
                }
                renderPorts();
            }
        }
    }

    /* ----------------------------------------------------------- events */

    function onEvent(type, data) {
        let ev;
        try {
            ev = JSON.parse(data);
        } catch (e) {
            console.warn('sluice: unreadable %s event: %s', type, e);
            return;
        }
        state.events++;
        if (state.fetching) {
            state.queue.push([type, ev]);
        } else {
            applyEvent(type, ev);
            render();
        }
        document.body.dataset.events = String(state.events);
        document.body.dataset.lastEvent = type;
    }

    function applyEvent(type, ev) {
        switch (type) {
        case 'switch_up':
            upsertSwitch(ev.dpid, null);
            scheduleRefetch();      // the event has no ports
            break;
        case 'switch_down':
            removeSwitch(ev.dpid);
            break;
        case 'port_status':
        case 'port_up':
        case 'port_down':
            portEvent(type, ev);
            break;
        case 'link_up':
        case 'link_down':
            if (ev.src && ev.dst) {
                linkDirection(ev.src, ev.dst, type === 'link_up', ev);
            }
            if (type === 'link_up') {
                scheduleRefetch();  // the tree and port roles follow
            }
            break;
        case 'host_add':
        case 'host_move':
            if (state.switches.has(ev.dpid)) {
                upsertHost(ev);
            }
            break;
        case 'host_remove': {
            const host = state.hosts.get(ev.mac);
            if (host) {
                dropHost(host);
            }
            break;
        }
        case 'tree_changed':
            scheduleRefetch();
            break;
        default:
            break;
        }
    }

    function portEvent(type, ev) {
        const node = state.switches.get(ev.dpid);
        if (!node) {
            return;
        }
        const no = String(ev.port_no);
        if (type === 'port_status' && ev.reason === 'delete') {
            node.ports.delete(no);
        } else if (!node.ports.has(no)) {
            node.ports.set(no, {port_no: ev.port_no, name: ev.name});
        }
        const panel = state.panel;
        if (!panel || panel.dpid !== ev.dpid || !panel.ports) {
            return;
        }
        if (type === 'port_status' && ev.reason === 'delete') {
            panel.ports.delete(no);
        } else {
            const p = panel.ports.get(no)
                || {port_no: ev.port_no, name: ev.name, hw_addr: ''};
            p.name = ev.name || p.name;
            if (type === 'port_status') {
                p.up = ev.up;
            } else {
                p.up = type === 'port_up';
            }
            panel.ports.set(no, p);
        }
        renderPorts();
    }

    /* ------------------------------------------------ reading the API */

    async function getJSON(url) {
        const r = await fetch(url, {cache: 'no-store'});
        let body = null;
        try {
            body = await r.json();
        } catch (e) {
            body = null;
        }
        if (!r.ok) {
            const why = body && body.error
                ? body.error + (body.detail ? ': ' + body.detail : '')
                : 'HTTP ' + r.status;
            throw new Error(url + ': ' + why);
        }
        return body;
    }

    function scheduleRefetch() {
        if (!state.refetchTimer) {
            state.refetchTimer = setTimeout(() => {
                state.refetchTimer = 0;
                refetch();
            }, REFETCH_MS);
        }
    }

    /* Reads the whole topology; the events received meanwhile are applied
     * on top of it, in order. */
    async function refetch() {
        if (state.fetching) {
            state.fetchAgain = true;
            return;
        }
        state.fetching = true;
        state.queue = [];
        try {
            const topo = await getJSON(API.topology);
            applySnapshot(topo);
            state.loaded = true;
            notice(state.enabled ? null : 'Topology discovery is off '
                + '(topology.enabled: false): links and hosts are not '
                + 'known.', false);
        } catch (e) {
            notice('Cannot read the topology (' + e.message + '); '
                + 'retrying.', true);
            setTimeout(scheduleRefetch, 2000);
        } finally {
            state.fetching = false;
            const queued = state.queue;
            state.queue = [];
            for (const [type, ev] of queued) {
                applyEvent(type, ev);
            }
            render();
            if (state.fetchAgain) {
                state.fetchAgain = false;
                refetch();
            }
        }
    }

    function notice(text, isError) {
        const el = $('notice');
        el.hidden = !text;
        el.textContent = text || '';
        el.classList.toggle('error', !!isError);
    }

    /* ---------------------------------------------------- the stream */

    function setStream(s) {
        state.stream = s;
        document.body.dataset.stream = s;
        $('stream-text').textContent = {
            connecting: 'events: connecting',
            open: 'events: live',
            reconnecting: 'events: lost, reconnecting',
        }[s] || 'events: ' + s;
    }

    function connect() {
        setStream(state.stream === 'reconnecting' ? 'reconnecting'
            : 'connecting');
        const es = new EventSource(API.events);
        state.es = es;
        es.onopen = () => {
            if (state.es !== es) {
                return;
            }
            state.backoff = RECONNECT_MIN;
            setStream('open');
            refetch();
        };
        es.onerror = () => {
            if (state.es !== es) {
                return;
            }
            es.close();
            state.es = null;
            setStream('reconnecting');
            setTimeout(connect, state.backoff);
            state.backoff = Math.min(state.backoff * 2, RECONNECT_MAX);
        };
        for (const type of EVENT_TYPES) {
            es.addEventListener(type, (m) => {
                if (state.es === es) {
                    onEvent(type, m.data);
                }
            });
        }
    }

    /* ------------------------------------------------------- layout */

    function neighbours() {
        const adj = new Map();
        for (const dpid of state.switches.keys()) {
            adj.set(dpid, new Set());
        }
        for (const c of state.cables.values()) {
            if (adj.has(c.a.dpid) && adj.has(c.b.dpid)
                && c.a.dpid !== c.b.dpid) {
                adj.get(c.a.dpid).add(c.b.dpid);
                adj.get(c.b.dpid).add(c.a.dpid);
            }
        }
        return adj;
    }

    /* Hop distances from each of 'ids' (BFS); Infinity: unreachable. */
    function hopMatrix(ids, adj) {
        const index = new Map(ids.map((id, i) => [id, i]));
        return ids.map((id) => {
            const d = new Array(ids.length).fill(Infinity);
            d[index.get(id)] = 0;
            const todo = [id];
            for (let k = 0; k < todo.length; k++) {
                const u = todo[k];
                for (const v of adj.get(u)) {
                    const j = index.get(v);
                    if (j !== undefined && d[j] === Infinity) {
                        d[j] = d[index.get(u)] + 1;
                        todo.push(v);
                    }
                }
            }
            return d;
        });
    }

    /* Classical MDS: two coordinates from the distances 'D' (finite). */
    function classicalMds(D) {
        const n = D.length;
        const B = D.map((row) => row.map((d) => -0.5 * d * d));
        const rowMean = B.map((row) => row.reduce((s, x) => s + x, 0) / n);
        const all = rowMean.reduce((s, x) => s + x, 0) / n;
        for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
                B[i][j] += all - rowMean[i] - rowMean[j];
            }
        }
        const vecs = [];
        for (let k = 0; k < 2; k++) {
            let v = Array.from({length: n},
                (_, i) => 1 + ((i * 0.6180339887 + k * 0.37) % 1));
            let lambda = 0;
            for (let it = 0; it < 300; it++) {
                const w = times(B, v);
                for (const u of vecs) {
                    const dot = w.reduce((s, x, j) => s + x * u.v[j], 0);
                    for (let j = 0; j < n; j++) {
                        w[j] -= dot * u.v[j];
                    }
                }
                const norm = Math.hypot(...w);
                if (norm < 1e-9) {
                    break;
                }
                v = w.map((x) => x / norm);
            }
            // The Rayleigh quotient: a negative one is no axis.
            lambda = times(B, v).reduce((s, x, j) => s + x * v[j], 0);
            vecs.push({v, lambda});
        }
        // A little deterministic jitter, so that no start is flat.
        return Array.from({length: n}, (_, i) => [
            vecs[0].v[i] * Math.sqrt(Math.max(vecs[0].lambda, 0))
                + 0.02 * (((i * 0.7548776662) % 1) - 0.5),
            vecs[1].v[i] * Math.sqrt(Math.max(vecs[1].lambda, 0))
                + 0.02 * (((i * 0.5698402910) % 1) - 0.5),
        ]);
    }

    function times(M, v) {
        return M.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    }

    /* Stress majorization: moves the points of 'movable' (indexes) so that
     * their distances approach 'D' (in EDGE units). */
    function majorize(P, D, movable, rounds) {
        const n = P.length;
        for (let r = 0; r < rounds; r++) {
            for (const i of movable) {
                let sx = 0;
                let sy = 0;
                let sw = 0;
                for (let j = 0; j < n; j++) {
                    if (j === i || !isFinite(D[i][j])) {
                        continue;
                    }
                    const d = D[i][j] * EDGE;
                    const w = 1 / (d * d);
                    let dx = P[i][0] - P[j][0];
                    let dy = P[i][1] - P[j][1];
                    let len = Math.hypot(dx, dy);
                    if (len < 1e-6) {
                        dx = 1e-3 * (i - j);
                        dy = 1e-3;
                        len = Math.hypot(dx, dy);
                    }
                    sx += w * (P[j][0] + d * dx / len);
                    sy += w * (P[j][1] + d * dy / len);
                    sw += w;
                }
                if (sw > 0) {
                    P[i] = [sx / sw, sy / sw];
                }
            }
        }
    }

    /* Turns 'P' so that most edges run along the axes, wider than high,
     * the first switch at the top left and, when the picture is about
     * square, its first neighbour to its right (a grid reads row by row).
     * 'edges' are pairs of indexes; index 0 is the first switch. */
    function orient(P, edges) {
        let s = 0;
        let c = 0;
        for (const [i, j] of edges) {
            const a = Math.atan2(P[j][1] - P[i][1], P[j][0] - P[i][0]);
            s += Math.sin(4 * a);
            c += Math.cos(4 * a);
        }
        const turn = edges.length ? -Math.atan2(s, c) / 4 : 0;
        const cos = Math.cos(turn);
        const sin = Math.sin(turn);
        let Q = P.map(([x, y]) => [x * cos - y * sin, x * sin + y * cos]);
        const span = (k) => Math.max(...Q.map((p) => p[k]))
            - Math.min(...Q.map((p) => p[k]));
        if (span(1) > span(0) * 1.05) {
            Q = Q.map(([x, y]) => [y, -x]);
        }
        const mean = (k) => Q.reduce((t, p) => t + p[k], 0) / Q.length;
        const mx = mean(0);
        const my = mean(1);
        const fx = Q[0][0] > mx + 1e-6 ? -1 : 1;
        const fy = Q[0][1] > my + 1e-6 ? -1 : 1;
        Q = Q.map(([x, y]) => [(x - mx) * fx, (y - my) * fy]);
        const next = Math.min(...edges.filter((e) => e.includes(0))
            .map((e) => (e[0] === 0 ? e[1] : e[0])));
        const square = span(0) < span(1) * 1.15 && span(1) < span(0) * 1.15;
        if (square && isFinite(next) && Math.abs(Q[next][1] - Q[0][1])
            > Math.abs(Q[next][0] - Q[0][0]) + 1e-6) {
            Q = Q.map(([x, y]) => [y, x]);
        }
        return Q;
    }

    /* A tree with a branch (a switch with three links or more) is drawn in
     * layers from its centre down: leaves side by side, each parent over
     * its children.  Returns null for anything else. */
    function treeLayout(ids, adj, D) {
        const edges = ids.reduce((s, id) => s + adj.get(id).size, 0) / 2;
        if (edges !== ids.length - 1
            || !ids.some((id) => adj.get(id).size >= 3)) {
            return null;
        }
        const ecc = D.map((row) => Math.max(...row));
        const root = ecc.indexOf(Math.min(...ecc));
        const index = new Map(ids.map((id, i) => [id, i]));
        const P = ids.map(() => [0, 0]);
        let leaf = 0;
        const place = (i, parent, depth) => {
            const kids = [...adj.get(ids[i])].map((v) => index.get(v))
                .filter((j) => j !== parent).sort((a, b) => a - b);
            P[i][1] = depth * EDGE * 0.85;
            if (!kids.length) {
                P[i][0] = leaf++ * EDGE;
                return;
            }
            for (const j of kids) {
                place(j, i, depth + 1);
            }
            P[i][0] = (P[kids[0]][0] + P[kids[kids.length - 1]][0]) / 2;
        };
        place(root, -1, 0);
        return P;
    }

    /* Lays out one connected component from scratch. */
    function layoutComponent(ids, adj) {
        if (ids.length === 1) {
            return [[0, 0]];
        }
        const D = hopMatrix(ids, adj);
        const tree = treeLayout(ids, adj, D);
        if (tree) {
            return tree;
        }
        let P = classicalMds(D).map(([x, y]) => [x * EDGE, y * EDGE]);
        majorize(P, D, ids.map((_, i) => i), 120);
        const index = new Map(ids.map((id, i) => [id, i]));
        const edges = [];
        ids.forEach((id, i) => {
            for (const v of adj.get(id)) {
                if (index.get(v) > i) {
                    edges.push([i, index.get(v)]);
                }
            }
        });
        P = orient(P, edges);
        return P;
    }

    function components(ids, adj) {
        const seen = new Set();
        const out = [];
        for (const id of ids) {
            if (seen.has(id)) {
                continue;
            }
            const comp = [id];
            seen.add(id);
            for (let k = 0; k < comp.length; k++) {
                for (const v of adj.get(comp[k])) {
                    if (!seen.has(v)) {
                        seen.add(v);
                        comp.push(v);
                    }
                }
            }
            comp.sort();
            out.push(comp);
        }
        return out;
    }

    /* Places every switch: components side by side, the largest first;
     * lone switches in rows under them. */
    function fullLayout() {
        const adj = neighbours();
        const ids = [...state.switches.keys()].sort();
        const comps = components(ids, adj);
        comps.sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
        let x0 = 0;
        let maxH = 0;
        const lone = [];
        for (const comp of comps) {
            if (comp.length === 1 && comps.length > 1) {
                lone.push(comp[0]);
                continue;
            }
            const P = layoutComponent(comp, adj);
            const minX = Math.min(...P.map((p) => p[0]));
            const maxX = Math.max(...P.map((p) => p[0]));
            const minY = Math.min(...P.map((p) => p[1]));
            const maxY = Math.max(...P.map((p) => p[1]));
            comp.forEach((id, i) => {
                const node = state.switches.get(id);
                node.x = x0 + P[i][0] - minX;
                node.y = P[i][1] - minY;
            });
            x0 += maxX - minX + EDGE * 1.2;
            maxH = Math.max(maxH, maxY - minY);
        }
        const perRow = Math.max(3, Math.ceil(Math.sqrt(lone.length * 2)));
        lone.forEach((id, k) => {
            const node = state.switches.get(id);
            node.x = (k % perRow) * EDGE;
            node.y = (maxH ? maxH + EDGE : 0) + Math.floor(k / perRow) * EDGE;
        });
        const now = performance.now();
        for (const node of state.switches.values()) {
            node.placedAt = node.placedAt || now;
        }
    }

    /* Places the switches of 'fresh' among those already placed, which do
     * not move. */
    function placeAmong(fresh) {
        const adj = neighbours();
        const ids = [...state.switches.keys()].sort();
        const D = hopMatrix(ids, adj);
        const index = new Map(ids.map((id, i) => [id, i]));
        const placed = ids.filter((id) => !fresh.includes(id));
        const minX = Math.min(...placed.map((id) => state.switches.get(id).x));
        const maxX = Math.max(...placed.map((id) => state.switches.get(id).x));
        const maxY = Math.max(...placed.map((id) => state.switches.get(id).y));
        const cx = (minX + maxX) / 2;
        let spare = 0;
        const P = ids.map((id) => {
            const node = state.switches.get(id);
            if (!fresh.includes(id)) {
                return [node.x, node.y];
            }
            const near = [...adj.get(id)].filter((v) => !fresh.includes(v));
            if (near.length) {
                const nx = near.reduce((s, v) => s + state.switches.get(v).x,
                    0) / near.length;
                const ny = near.reduce((s, v) => s + state.switches.get(v).y,
                    0) / near.length;
                const away = Math.sign(nx - cx) || 1;
                return [nx + away * EDGE * 0.8, ny + EDGE * 0.3];
            }
            spare++;
            return [minX + (spare - 1) * EDGE, maxY + EDGE];
        });
        const movable = fresh.map((id) => index.get(id));
        const connected = movable.filter((i) => adj.get(ids[i]).size > 0);
        majorize(P, D, connected, 60);
        for (const i of movable) {
            const node = state.switches.get(ids[i]);
            node.x = P[i][0];
            node.y = P[i][1];
            node.placedAt = node.placedAt || performance.now();
        }
    }

    /* Places what has no place; moves only young switches. */
    function layout(relayout) {
        const now = performance.now();
        const nodes = [...state.switches.values()];
        const young = nodes.filter((n) => n.x === undefined
            || (relayout && now - n.placedAt < SETTLE_MS));
        if (!young.length) {
            return false;
        }
        if (young.length === nodes.length) {
            fullLayout();
        } else {
            placeAmong(young.map((n) => n.dpid));
        }
        for (const host of state.hosts.values()) {
            host.x = undefined;
        }
        fitView();
        return true;
    }

    /* A cable joined a young switch: lay the young ones out again soon. */
    function noteNewCable(cable) {
        const now = performance.now();
        const young = [cable.a.dpid, cable.b.dpid].some((d) => {
            const n = state.switches.get(d);
            return n && n.x !== undefined && now - n.placedAt < SETTLE_MS;
        });
        if (young && !state.relayoutTimer) {
            state.relayoutTimer = setTimeout(() => {
                state.relayoutTimer = 0;
                if (layout(true)) {
                    render();
                }
            }, 200);
        }
    }

    /* The angle between directions 'a' and 'b', in [0, pi]. */
    function angleApart(a, b) {
        return Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
    }

    /* Where a host goes: in the widest gap between its switch's links
     * (straight down for a switch without links), at the middle of the gap
     * or HOST_STEP to either side, clear of the links and of the switch's
     * other hosts, which do not move. */
    function placeHost(host) {
        const node = state.switches.get(host.dpid);
        if (!node || node.x === undefined) {
            return false;
        }
        const links = [];
        for (const c of state.cables.values()) {
            let other = null;
            if (c.a.dpid === node.dpid) {
                other = state.switches.get(c.b.dpid);
            } else if (c.b.dpid === node.dpid) {
                other = state.switches.get(c.a.dpid);
            }
            if (other && other.x !== undefined && other !== node) {
                links.push(Math.atan2(other.y - node.y, other.x - node.x));
            }
        }
        const hosts = [];
        for (const h of state.hosts.values()) {
            if (h !== host && h.dpid === node.dpid && h.x !== undefined) {
                hosts.push(h.angle);
            }
        }
        links.sort((a, b) => a - b);
        let base = Math.PI / 2;
        let widest = -1;
        links.forEach((a, i) => {
            const next = i + 1 < links.length ? links[i + 1]
                : links[0] + 2 * Math.PI;
            if (next - a > widest + 1e-6) {
                widest = next - a;
                base = a + widest / 2;
            }
        });
        // Straight down when it is in the widest gap, well clear of links.
        if (widest > 0 && angleApart(Math.PI / 2, base) < widest / 2 - 0.6) {
            base = Math.PI / 2;
        }
        const HOST_STEP = Math.PI / 5;
        const clear = (a) => links.every((t) => angleApart(a, t) > 0.4)
            && hosts.every((t) => angleApart(a, t) > 0.45);
        let best = null;
        for (let k = 0; k < 10 && best === null; k++) {
            const a = base + Math.ceil(k / 2) * (k % 2 ? 1 : -1) * HOST_STEP;
            if (clear(a)) {
                best = a;
            }
        }
        if (best === null) {
            // Crowded: the direction farthest from everything.
            let far = -1;
            for (let k = 0; k < 36; k++) {
                const a = base + k * Math.PI / 18;
                const gap = Math.min(Math.PI, ...links.concat(hosts).map(
                    (t) => angleApart(a, t)));
                if (gap > far + 1e-6) {
                    far = gap;
                    best = a;
                }
            }
        }
        host.angle = Math.atan2(Math.sin(best), Math.cos(best));
        host.x = node.x + HOST_R * Math.cos(best);
        host.y = node.y + HOST_R * Math.sin(best);
        return true;
    }

    function fitView() {
        const nodes = [...state.switches.values()].filter(
            (n) => n.x !== undefined);
        const map = $('map');
        if (!nodes.length) {
            state.view = {x: 0, y: 0, w: 1000, h: 600};
        } else {
            const minX = Math.min(...nodes.map((n) => n.x)) - MARGIN;
            const maxX = Math.max(...nodes.map((n) => n.x)) + MARGIN;
            const minY = Math.min(...nodes.map((n) => n.y)) - MARGIN;
            const maxY = Math.max(...nodes.map((n) => n.y)) + MARGIN;
            let w = maxX - minX;
            let h = maxY - minY;
            const minW = 800;
            const minH = 500;
            const x = minX - Math.max(0, minW - w) / 2;
            const y = minY - Math.max(0, minH - h) / 2;
            w = Math.max(w, minW);
            h = Math.max(h, minH);
            state.view = {x, y, w, h};
        }
        const v = state.view;
        map.setAttribute('viewBox', [v.x, v.y, v.w, v.h].map(
            (n) => n.toFixed(1)).join(' '));
        const empty = $('empty');
        empty.setAttribute('x', (v.x + v.w / 2).toFixed(1));
        empty.setAttribute('y', (v.y + v.h / 2).toFixed(1));
    }

    /* ------------------------------------------------------ drawing */

    function drawSwitch(node) {
        if (!node.el) {
            const g = svg('g', {'class': 'switch', 'data-dpid': node.dpid,
                'tabindex': '0', 'role': 'button'}, $('switches'));
            svg('rect', {x: -SW_W / 2, y: -SW_H / 2, width: SW_W,
                height: SW_H, rx: 7}, g);
            node.label = svg('text', {y: -4}, g);
            node.sub = svg('text', {'class': 'sub', y: 10}, g);
            node.title = svg('title', {}, g);
            g.addEventListener('click', (e) => {
                e.stopPropagation();
                openPanel(node.dpid);
            });
            g.addEventListener('keydown', (e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    openPanel(node.dpid);
                }
            });
            node.el = g;
        }
        const name = switchName(node);
        node.label.textContent = name;
        node.sub.textContent = 'dpid ' + shortDpid(node.dpid);
        node.title.textContent = name + ' (dpid ' + node.dpid + ', '
            + node.ports.size + ' ports): click for ports and flows';
        node.el.setAttribute('aria-label', 'switch ' + name);
        node.el.setAttribute('transform', 'translate(' + node.x.toFixed(1)
            + ',' + node.y.toFixed(1) + ')');
        node.el.classList.toggle('selected',
            !!state.panel && state.panel.dpid === node.dpid);
    }

    /* Draws 'cable' 'shift' units to the side of the line between its
     * switches (cables in parallel side by side). */
    function drawCable(cable, shift) {
        const sa = state.switches.get(cable.a.dpid);
        const sb = state.switches.get(cable.b.dpid);
        if (!sa || !sb || sa.x === undefined || sb.x === undefined) {
            return;
        }
        const len = Math.hypot(sb.x - sa.x, sb.y - sa.y) || 1;
        const nx = -(sb.y - sa.y) / len * shift;
        const ny = (sb.x - sa.x) / len * shift;
        const a = {x: sa.x + nx, y: sa.y + ny};
        const b = {x: sb.x + nx, y: sb.y + ny};
        if (!cable.els) {
            const line = svg('line', {'class': 'link',
                'data-src': endKey(cable.a.dpid, cable.a.port),
                'data-dst': endKey(cable.b.dpid, cable.b.port)},
            $('cables'));
            const title = svg('title', {}, line);
            const pa = svg('text', {'class': 'port-label'}, $('cables'));
            const pb = svg('text', {'class': 'port-label'}, $('cables'));
            const flag = svg('g', {'class': 'link-flag'}, $('flags'));
            svg('circle', {r: 10}, flag);
            svg('text', {}, flag).textContent = '!';
            const ftitle = svg('title', {}, flag);
            cable.els = [line, pa, pb, flag];
            cable.line = line;
            cable.title = title;
            cable.ports = [pa, pb];
            cable.flag = flag;
            cable.flagTitle = ftitle;
        }
        const down = cable.dirs.size === 0;
        const line = cable.line;
        line.setAttribute('x1', a.x.toFixed(1));
        line.setAttribute('y1', a.y.toFixed(1));
        line.setAttribute('x2', b.x.toFixed(1));
        line.setAttribute('y2', b.y.toFixed(1));
        line.classList.toggle('down', down);
        line.classList.toggle('tree', !down && cable.tree);
        line.dataset.directions = String(cable.dirs.size);
        const what = switchName(sa) + ' port ' + cable.a.port + ' \u2194 '
            + switchName(sb) + ' port ' + cable.b.port;
        cable.title.textContent = what + (down ? ': DOWN'
            : ', latency ' + Number(cable.latency || 0).toFixed(2) + ' ms'
                + (cable.tree ? ', on the flooding tree' : ''));
        const off = Math.min(52, len * 0.3);
        const ends = [[a, b, cable.a.port], [b, a, cable.b.port]];
        ends.forEach(([p, q, port], k) => {
            const t = cable.ports[k];
            t.setAttribute('x', (p.x + (q.x - p.x) * off / len).toFixed(1));
            t.setAttribute('y', (p.y + (q.y - p.y) * off / len).toFixed(1));
            t.textContent = String(port);
        });
        cable.flag.setAttribute('display', down ? 'inline' : 'none');
        cable.flag.setAttribute('transform', 'translate('
            + ((a.x + b.x) / 2).toFixed(1) + ','
            + ((a.y + b.y) / 2).toFixed(1) + ')');
        cable.flagTitle.textContent = what + ' is down';
    }

    function drawHost(host) {
        const node = state.switches.get(host.dpid);
        if (!node) {
            return;
        }
        if (host.x === undefined && !placeHost(host)) {
            return;
        }
        if (!host.el) {
            host.line = svg('line', {'class': 'host-link'}, $('host-links'));
            const g = svg('g', {'class': 'host', 'data-mac': host.mac},
                $('hosts'));
            svg('circle', {r: 10}, g);
            host.label = svg('text', {}, g);
            host.title = svg('title', {}, g);
            host.el = g;
        }
        host.el.dataset.dpid = host.dpid;
        host.el.dataset.portNo = String(host.port_no);
        host.el.setAttribute('transform', 'translate(' + host.x.toFixed(1)
            + ',' + host.y.toFixed(1) + ')');
        host.line.setAttribute('x1', node.x.toFixed(1));
        host.line.setAttribute('y1', node.y.toFixed(1));
        host.line.setAttribute('x2', host.x.toFixed(1));
        host.line.setAttribute('y2', host.y.toFixed(1));
        const global6 = host.ipv6.filter((a) => !/^fe80:/i.test(a));
        const ip = host.ipv4.length ? host.ipv4[0]
            : global6.length ? global6[0] : host.mac;
        const c = Math.cos(host.angle);
        const s = Math.sin(host.angle);
        host.label.textContent = ip;
        host.label.setAttribute('x', (c * 16).toFixed(1));
        host.label.setAttribute('y', (s * 18).toFixed(1));
        host.label.setAttribute('text-anchor',
            c > 0.15 ? 'start' : c < -0.15 ? 'end' : 'middle');
        host.title.textContent = 'host ' + host.mac
            + (host.ipv4.length ? ' ' + host.ipv4.join(' ') : '')
            + (host.ipv6.length ? ' ' + host.ipv6.join(' ') : '')
            + (host.vlan != null ? ' vlan ' + host.vlan : '')
            + ' on ' + switchName(node) + ' port ' + host.port_no;
    }

    /* Fits the view again if a switch is out of it (the view never shrinks
     * on its own: what stays does not move). */
    function ensureInView() {
        const v = state.view;
        for (const n of state.switches.values()) {
            if (n.x !== undefined && (!v || n.x - MARGIN < v.x - 1
                || n.y - MARGIN < v.y - 1 || n.x + MARGIN > v.x + v.w + 1
                || n.y + MARGIN > v.y + v.h + 1)) {
                fitView();
                return;
            }
        }
    }

    function render() {
        layout(false);
        ensureInView();
        let up = 0;
        let down = 0;
        let directed = 0;
        for (const node of state.switches.values()) {
            drawSwitch(node);
        }
        const pairs = new Map();
        for (const cable of state.cables.values()) {
            const pair = cable.a.dpid + '-' + cable.b.dpid;
            pairs.set(pair, (pairs.get(pair) || []).concat([cable]));
        }
        for (const group of pairs.values()) {
            group.sort((x, y) => (x.key < y.key ? -1 : 1));
            group.forEach((c, i) => drawCable(c, (i - (group.length - 1) / 2)
                * PARALLEL));
        }
        for (const cable of state.cables.values()) {
            if (cable.dirs.size) {
                up++;
                directed += cable.dirs.size;
            } else {
                down++;
            }
        }
        for (const host of state.hosts.values()) {
            drawHost(host);
        }
        const ds = document.body.dataset;
        ds.switches = String(state.switches.size);
        ds.links = String(state.cables.size);
        ds.linksUp = String(up);
        ds.linksDown = String(down);
        ds.linksDirected = String(directed);
        ds.hosts = String(state.hosts.size);
        ds.loaded = String(state.loaded);
        ds.topology = state.enabled ? 'on' : 'off';
        $('n-switches').textContent = String(state.switches.size);
        $('n-links').textContent = String(up);
        $('n-hosts').textContent = String(state.hosts.size);
        const nd = $('n-down');
        nd.hidden = down === 0;
        nd.textContent = down + ' down';
        $('empty').setAttribute('display', state.switches.size ? 'none'
            : 'inline');
        $('empty').textContent = state.loaded ? 'No switch is connected.'
            : 'Reading the topology\u2026';
    }

    /* ------------------------------------------------------- panel */

    function info(dl, term, value) {
        html('dt', term, dl);
        html('dd', value, dl);
    }

    async function openPanel(dpid) {
        const node = state.switches.get(dpid);
        if (!node) {
            return;
        }
        const seq = (state.panel ? state.panel.seq : 0) + 1;
        state.panel = {dpid, ports: null, seq};
        const panel = $('panel');
        panel.hidden = false;
        panel.dataset.dpid = dpid;
        panel.dataset.state = 'loading';
        delete panel.dataset.ports;
        delete panel.dataset.flows;
        $('panel-title').textContent = 'Switch ' + switchName(node);
        $('panel-info').replaceChildren();
        info($('panel-info'), 'dpid', dpid);
        $('ports').tBodies[0].replaceChildren();
        $('flows').tBodies[0].replaceChildren();
        $('ports-count').textContent = '';
        $('flows-count').textContent = 'reading\u2026';
        $('flows-error').hidden = true;
        render();
        try {
            const sw = await getJSON(API.switch(dpid));
            if (!state.panel || state.panel.seq !== seq) {
                return;
            }
            const dl = $('panel-info');
            dl.replaceChildren();
            info(dl, 'dpid', sw.dpid);
            info(dl, 'address', sw.address || '');
            info(dl, 'connected', (sw.connected_since || '') + ' ('
                + Math.round(sw.connected_seconds || 0) + ' s)');
            if (sw.desc) {
                info(dl, 'switch', [sw.desc.mfr_desc, sw.desc.hw_desc,
                    sw.desc.sw_desc].filter(Boolean).join(', '));
            }
            info(dl, 'OpenFlow', (sw.of_version || '') + ', role '
                + (sw.role || '?') + ', ' + (sw.n_tables || 0) + ' tables');
            if (sw.flows) {
                info(dl, 'flows wanted', String(sw.flows.desired)
                    + (sw.flows.synced ? ' (in sync)' : ' (syncing)'));
            }
            const ports = new Map();
            for (const p of sw.ports || []) {
                ports.set(String(p.port_no), Object.assign({}, p));
            }
            for (const [no, p] of node.ports) {
                if (ports.has(no)) {
                    ports.get(no).role = p.role;
                }
            }
            state.panel.ports = ports;
            renderPorts();
        } catch (e) {
            if (state.panel && state.panel.seq === seq) {
                panel.dataset.state = 'error';
                $('ports-count').textContent = e.message;
                return;
            }
        }
        await loadFlows(seq);
    }

    function renderPorts() {
        const panel = state.panel;
        if (!panel || !panel.ports) {
            return;
        }
        const body = $('ports').tBodies[0];
        body.replaceChildren();
        const list = [...panel.ports.values()].sort((a, b) => {
            const x = typeof a.port_no === 'number' ? a.port_no : Infinity;
            const y = typeof b.port_no === 'number' ? b.port_no : Infinity;
            return x - y;
        });
        let down = 0;
        for (const p of list) {
            const tr = html('tr', undefined, body);
            tr.className = 'port';
            tr.dataset.portNo = String(p.port_no);
            tr.dataset.up = String(p.up !== false);
            down += p.up === false ? 1 : 0;
            html('td', String(p.port_no), tr);
            html('td', p.name || '', tr);
            const st = html('td', undefined, tr);
            html('span', p.up === false ? 'down' : 'up', st).className =
                'state';
            html('td', p.role || '', tr);
            html('td', p.hw_addr || '', tr);
        }
        $('ports-count').textContent = list.length + (down ? ', ' + down
            + ' down' : '');
        $('panel').dataset.ports = String(list.length);
    }

    function matchText(match) {
        const parts = Object.entries(match || {}).map(
            ([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v)
                : String(v)));
        return parts.length ? parts.join(', ') : '*';
    }

    async function loadFlows(seq) {
        const panel = $('panel');
        const dpid = state.panel.dpid;
        $('flows-count').textContent = 'reading\u2026';
        try {
            const body = await getJSON(API.flows(dpid));
            if (!state.panel || state.panel.seq !== seq) {
                return;
            }
            const key = BigInt('0x' + dpid).toString();
            const flows = (body && body[key]) || [];
            flows.sort((a, b) => (a.table_id - b.table_id)
                || (b.priority - a.priority));
            const tbody = $('flows').tBodies[0];
            tbody.replaceChildren();
            for (const f of flows.slice(0, MAX_FLOWS)) {
                const tr = html('tr', undefined, tbody);
                tr.className = 'flow';
                tr.dataset.table = String(f.table_id);
                tr.dataset.priority = String(f.priority);
                html('td', String(f.table_id), tr);
                html('td', String(f.priority), tr);
                html('td', matchText(f.match), tr);
                html('td', (f.actions || []).join('\n') || 'drop', tr);
                html('td', String(f.packet_count), tr);
            }
            $('flows-count').textContent = flows.length > MAX_FLOWS
                ? flows.length + ' (first ' + MAX_FLOWS + ' shown)'
                : String(flows.length);
            $('flows-error').hidden = true;
            panel.dataset.flows = String(flows.length);
            panel.dataset.state = 'ready';
        } catch (e) {
            if (state.panel && state.panel.seq === seq) {
                $('flows-count').textContent = '';
                $('flows-error').hidden = false;
                $('flows-error').textContent = e.message;
                panel.dataset.state = 'error';
            }
        }
    }

    function closePanel() {
        state.panel = null;
        const panel = $('panel');
        panel.hidden = true;
        delete panel.dataset.dpid;
        delete panel.dataset.state;
        for (const node of state.switches.values()) {
            if (node.el) {
                node.el.classList.remove('selected');
            }
        }
    }

    /* --------------------------------------------------------- start */

    function start() {
        $('panel-close').addEventListener('click', closePanel);
        $('flows-refresh').addEventListener('click', () => {
            if (state.panel) {
                state.panel.seq++;
                loadFlows(state.panel.seq);
            }
        });
        $('map').addEventListener('click', closePanel);
        document.addEventListener('keydown', (e) => {
            if (e.key === 'Escape') {
                closePanel();
            }
        });
        fitView();
        render();
        refetch();
        connect();
        setInterval(() => {
            if (state.stream === 'open' && !document.hidden) {
                refetch();
            }
        }, RESYNC_MS);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
