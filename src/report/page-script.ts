/**
 * The script of a run report page (plain ES2017, inlined): it draws the charts, the long tables
 * and the "why it waited" lists from the page's JSON, never all at once.
 *
 * - Charts are Vega-Lite specs whose data are named datasets sent once, column by column. A chart is drawn when it comes near the viewport; when
 *   those on the first screen are drawn the page is marked `data-interactive`, then the others are
 *   drawn one at a time while the browser is idle, and the page is marked `data-charts-ready`.
 * - Tables (`.itable`) show a page of rows, sort on a click on a column's head, filter as you type;
 *   grouped rows (a Job stream) show one summary row that opens to its members.
 * - Waits (`.waits`): per stream, the workloads that waited, each opening to its reasons over time.
 *
 * Every string from the data is put into the page as text (textContent), never as markup.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var json = function (id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  var specs = json('fleetsim-specs') || [];
  var data = json('fleetsim-data') || { datasets: {}, tables: {}, waits: {} };

  // ---- columnar datasets -> row objects
  function column(c, n) {
    if (c && c.r !== undefined) return column(data.shared[c.r], n);
    if (Array.isArray(c)) return c;
    if (c && c.d) return c.i.map(function (k) { return k < 0 ? null : c.d[k]; });
    var out = new Array(n); for (var i = 0; i < n; i++) out[i] = c ? c.c : null; return out;
  }
  var rowCache = {};
  function rows(name) {
    if (rowCache[name]) return rowCache[name];
    var ds = data.datasets[name], out = [];
    if (!ds) return out;
    var fields = Object.keys(ds.f), cols = fields.map(function (f) { return column(ds.f[f], ds.n); });
    for (var i = 0; i < ds.n; i++) { var o = {}; for (var k = 0; k < fields.length; k++) o[fields[k]] = cols[k][i]; out.push(o); }
    return (rowCache[name] = out);
  }

  // ---- formatting (as the report's Node side: format.ts)
  function pad(x) { return (x < 10 ? '0' : '') + x; }
  function dur(s) {
    if (s === null || s === undefined) return 'never';
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + pad(Math.floor(s % 60)) + 's';
    return Math.floor(s / 3600) + 'h ' + pad(Math.floor((s % 3600) / 60)) + 'm';
  }
  function clock(t) {
    var d = Math.floor(t / 86400), h = Math.floor((t % 86400) / 3600), m = Math.floor((t % 3600) / 60);
    return (d > 0 ? 'd' + (d + 1) + ' ' : '') + pad(h) + ':' + pad(m);
  }
  function fmt(v, kind) {
    if (v === null || v === undefined || v === '') return kind === 'text' ? '' : '—';
    switch (kind) {
      case 'dur': return dur(v);
      case 'clock': return clock(v);
      case 'pct': return (v * 100).toFixed(1) + '%';
      case 'money': return v.toFixed(2);
      case 'int': return String(Math.round(v));
      case 'num': return Math.abs(v) >= 100 ? String(Math.round(v)) : v.toFixed(1);
      default: return String(v);
    }
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }

  // ---- charts
  var chartEls = Array.prototype.slice.call(document.querySelectorAll('[data-chart]'));
  var drawn = {}, done = 0;
  window.fleetsimChartsRendered = 0;
  // A Vega-Lite spec names its datasets (data: {name}); they go in its top-level datasets.
  function withData(spec) {
    var names = {};
    (function walk(v) {
      if (Array.isArray(v)) { v.forEach(walk); return; }
      if (!v || typeof v !== 'object') return;
      if (v.data && v.data.name && data.datasets[v.data.name]) names[v.data.name] = 1;
      Object.keys(v).forEach(function (k) { walk(v[k]); });
    })(spec);
    spec.datasets = spec.datasets || {};
    Object.keys(names).forEach(function (n) { spec.datasets[n] = rows(n); });
    return spec;
  }
  function draw(i) {
    if (drawn[i]) return drawn[i];
    var host = document.getElementById('chart-' + i);
    drawn[i] = vegaEmbed(host, withData(specs[i]), { renderer: 'svg', actions: false }).then(function () {
      window.fleetsimChartsRendered++;
    }).catch(function (err) {
      console.error('chart ' + i + ' failed: ' + err);
    }).then(function () {
      done++;
      if (done === specs.length) document.body.setAttribute('data-charts-ready', 'true');
    });
    return drawn[i];
  }
  function visible(e) { var r = e.getBoundingClientRect(); return r.bottom > -200 && r.top < window.innerHeight + 200 && r.width > 0; }
  var later = window.requestIdleCallback || function (f) { return setTimeout(f, 30); };
  function drawRest() {
    for (var i = 0; i < specs.length; i++) if (!drawn[i]) { draw(i).then(function () { later(drawRest); }); return; }
  }
  if ('IntersectionObserver' in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) draw(+e.target.getAttribute('data-chart')); });
    }, { rootMargin: '300px' });
    chartEls.forEach(function (e) { io.observe(e); });
  }

  // ---- interactive tables
  function makeTable(host, t) {
    var n = t.rows.n, cols = t.columns.map(function (c, k) { return column(t.rows.f['c' + k], n); });
    var group = t.group ? column(t.group, n) : null;
    var gcols = t.groups ? t.columns.map(function (c, k) { return column(t.groups.f['c' + k], t.groups.n); }) : null;
    var page = t.pageSize || 50, shown = page, sortCol = t.sort ? t.sort[0] : -1, sortDir = t.sort ? t.sort[1] : 1, filter = '';
    var open = {};
    var bar = el('div', 'tbar'), input = el('input'); input.type = 'search'; input.placeholder = 'filter'; input.setAttribute('aria-label', 'filter rows');
    var count = el('span', 'muted'); bar.appendChild(input); bar.appendChild(count);
    var wrap = el('div', 'table-wrap'), table = el('table'), thead = el('thead'), tbody = el('tbody'), more = el('button', 'more');
    table.appendChild(thead); table.appendChild(tbody); wrap.appendChild(table);
    host.appendChild(bar); host.appendChild(wrap); host.appendChild(more);
    var htr = el('tr');
    t.columns.forEach(function (c, k) {
      var th = el('th', c.kind === 'text' ? '' : 'num', c.title);
      th.title = 'sort'; th.tabIndex = 0;
      th.onclick = function () { if (sortCol === k) sortDir = -sortDir; else { sortCol = k; sortDir = c.kind === 'text' ? 1 : -1; } render(); };
      htr.appendChild(th);
    });
    thead.appendChild(htr);
    function cmp(a, b) { if (a === b) return 0; if (a === null || a === undefined) return 1; if (b === null || b === undefined) return -1; return (a < b ? -1 : 1) * sortDir; }
    function matches(get, i) { if (!filter) return true; for (var k = 0; k < t.columns.length; k++) { var v = get(k, i); if (v !== null && v !== undefined && String(t.columns[k].kind === 'text' ? v : fmt(v, t.columns[k].kind)).toLowerCase().indexOf(filter) >= 0) return true; } return false; }
    function tr(get, i, cls) {
      var r = el('tr', cls || '');
      t.columns.forEach(function (c, k) { r.appendChild(el('td', c.kind === 'text' ? '' : 'num', fmt(get(k, i), c.kind))); });
      return r;
    }
    var rowGet = function (k, i) { return cols[k][i]; }, groupGet = function (k, g) { return gcols[k][g]; };
    function render() {
      tbody.textContent = '';
      // Top-level items: each group (its summary row) and each row outside a group.
      var items = [];
      if (gcols) for (var g = 0; g < t.groups.n; g++) {
        var members = [];
        for (var i = 0; i < n; i++) if (group[i] === g && matches(rowGet, i)) members.push(i);
        if (members.length || matches(groupGet, g)) items.push({ g: g, members: members });
      }
      for (var j = 0; j < n; j++) if ((!group || group[j] === null || group[j] < 0) && matches(rowGet, j)) items.push({ r: j });
      if (sortCol >= 0) {
        items.sort(function (a, b) { return cmp(a.g !== undefined ? gcols[sortCol][a.g] : cols[sortCol][a.r], b.g !== undefined ? gcols[sortCol][b.g] : cols[sortCol][b.r]); });
        items.forEach(function (it) { if (it.members) it.members.sort(function (a, b) { return cmp(cols[sortCol][a], cols[sortCol][b]); }); });
      }
      count.textContent = ' ' + items.length + (items.length === 1 ? ' row' : ' rows') + (gcols ? ' (a stream is one row: click it for its Jobs)' : '');
      items.slice(0, shown).forEach(function (it) {
        if (it.r !== undefined) { tbody.appendChild(tr(rowGet, it.r)); return; }
        var head = tr(groupGet, it.g, 'group');
        head.firstChild.textContent = (open[it.g] ? '▾ ' : '▸ ') + head.firstChild.textContent;
        head.tabIndex = 0;
        head.onclick = function () { open[it.g] = open[it.g] ? 0 : page; render(); };
        tbody.appendChild(head);
        if (!open[it.g]) return;
        it.members.slice(0, open[it.g]).forEach(function (i) { tbody.appendChild(tr(rowGet, i, 'member')); });
        if (it.members.length > open[it.g]) {
          var m = el('tr', 'member'), td = el('td'), b = el('button', 'more', 'show ' + Math.min(page, it.members.length - open[it.g]) + ' more of ' + (it.members.length - open[it.g]));
          td.colSpan = t.columns.length; b.onclick = function (ev) { ev.stopPropagation(); open[it.g] += page; render(); };
          td.appendChild(b); m.appendChild(td); tbody.appendChild(m);
        }
      });
      var rest = items.length - shown;
      more.style.display = rest > 0 ? '' : 'none';
      more.textContent = 'show ' + Math.min(page, rest) + ' more of ' + rest;
    }
    more.onclick = function () { shown += page; render(); };
    var timer = null;
    input.oninput = function () { clearTimeout(timer); timer = setTimeout(function () { filter = input.value.trim().toLowerCase(); shown = page; render(); }, 120); };
    render();
  }

  // ---- why it waited
  function makeWaits(host, w) {
    var page = 25;
    w.groups.forEach(function (g) {
      var d = el('details', 'wait-group'), s = el('summary');
      s.appendChild(el('strong', '', g.name));
      s.appendChild(el('span', 'muted', ' — ' + g.items.length + ' waited' + (g.total ? ' of ' + g.total : '') + '; longest ' + dur(g.items.length ? g.items[0].waited : 0) + (g.top ? '; most often: ' + w.dict[g.top] : '')));
      d.appendChild(s);
      var body = el('div'), shown = 0;
      var more = el('button', 'more');
      function add() {
        g.items.slice(shown, shown + page).forEach(function (it) { body.appendChild(waitItem(w, it)); });
        shown = Math.min(g.items.length, shown + page);
        more.style.display = shown < g.items.length ? '' : 'none';
        more.textContent = 'show ' + Math.min(page, g.items.length - shown) + ' more of ' + (g.items.length - shown);
      }
      more.onclick = add;
      d.addEventListener('toggle', function () { if (d.open && !shown && g.items.length) add(); });
      d.appendChild(body); d.appendChild(more); more.style.display = 'none';
      host.appendChild(d);
    });
    if (w.omitted) host.appendChild(el('p', 'muted', w.omitted));
  }
  function waitItem(w, it) {
    var d = el('details', 'wait'), s = el('summary');
    s.appendChild(el('span', 'wl', it.name));
    s.appendChild(el('span', 'muted', ' — waited ' + dur(it.waited) + (it.first >= 0 ? ': ' + w.where[it.rs[it.first][0]] + ': ' + w.dict[it.rs[it.first][3]] : '')));
    d.appendChild(s);
    d.addEventListener('toggle', function () {
      if (!d.open || d.getAttribute('data-built')) return;
      d.setAttribute('data-built', '1');
      var p = el('p', 'muted', 'created ' + clock(it.arrival) + (it.placement >= 0 ? '; placed ' + w.dict[it.placement] : '; never placed'));
      d.appendChild(p);
      var tw = el('div', 'table-wrap'), table = el('table'), head = el('tr');
      ['from', 'to', 'where', 'reason'].forEach(function (h) { head.appendChild(el('th', '', h)); });
      table.appendChild(head);
      it.rs.forEach(function (r) {
        var row = el('tr');
        row.appendChild(el('td', 'num', clock(r[1])));
        row.appendChild(el('td', 'num', r[2] < 0 ? 'the end' : clock(r[2])));
        row.appendChild(el('td', '', w.where[r[0]]));
        row.appendChild(el('td', 'reason', w.dict[r[3]]));
        table.appendChild(row);
      });
      tw.appendChild(table); d.appendChild(tw);
      if (it.more) d.appendChild(el('p', 'muted', it.more + ' later changes of reason not kept'));
    });
    return d;
  }

  Array.prototype.forEach.call(document.querySelectorAll('.itable'), function (h) {
    var spec = data.tables[h.getAttribute('data-table')];
    if (!spec) return;
    var parent = h.closest('details');
    if (parent && !parent.open) parent.addEventListener('toggle', function once() { if (parent.open) { parent.removeEventListener('toggle', once); makeTable(h, spec); } });
    else makeTable(h, spec);
  });
  Array.prototype.forEach.call(document.querySelectorAll('.waits'), function (h) {
    var spec = data.waits[h.getAttribute('data-waits')];
    if (spec) makeWaits(h, spec);
  });

  // The first screen's charts, then the page is interactive; the rest while the browser is idle.
  var first = chartEls.filter(visible).map(function (e) { return draw(+e.getAttribute('data-chart')); });
  Promise.all(first).then(function () {
    document.body.setAttribute('data-interactive', 'true');
    if (!specs.length) document.body.setAttribute('data-charts-ready', 'true');
    later(drawRest);
  });
})();
`;
