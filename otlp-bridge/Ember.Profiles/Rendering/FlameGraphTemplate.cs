using System.Globalization;

namespace Ember.Profiles.Rendering;

/// <summary>
/// The static parts of the flame graph page. Kept as C# string constants rather than an embedded
/// resource so the library stays a plain, AOT-friendly assembly. Nothing here may reference anything
/// outside the page: no URLs, no web fonts, no src attributes.
/// </summary>
internal static class FlameGraphTemplate
{
    public const string Head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
        <meta name="generator" content="Ember">

        """;

    public const string Style = """
        <style>
        body { margin: 0; padding: 10px 14px; font: 13px/1.4 system-ui, sans-serif; color: #1d1d1f; background: #fff; }
        h1 { font-size: 18px; margin: 0 0 2px; }
        #subtitle { color: #555; margin-bottom: 8px; }
        #controls { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
        #search { width: 320px; padding: 3px 6px; font: inherit; }
        #reset { font: inherit; padding: 3px 10px; }
        #match { color: #7a1fa2; font-weight: 600; }
        #legend { color: #444; margin: 4px 0 6px; max-width: 1100px; }
        #legend p { margin: 2px 0; }
        .swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; border: 1px solid #999; margin: 0 3px 0 8px; }
        .swatch.grew { background: rgb(214, 39, 40); }
        .swatch.shrank { background: rgb(31, 100, 200); }
        .swatch.same { background: rgb(208, 208, 208); }
        .swatch.match { background: #e040fb; }
        #status { color: #666; font-size: 12px; margin-bottom: 4px; }
        #graph { position: relative; width: 100%; overflow: hidden; }
        .frame { position: absolute; height: 17px; box-sizing: border-box; padding: 0 3px; border-right: 1px solid #fff;
          font: 11px/17px Verdana, sans-serif; color: #000; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; }
        .frame:hover { filter: brightness(0.88); }
        .frame.ancestor { opacity: 0.55; }
        .frame.light-text { color: #fff; }
        .frame.match { background: #e040fb !important; color: #000; }
        #tooltip { position: fixed; z-index: 10; max-width: 640px; padding: 6px 8px; background: #fffff0; border: 1px solid #888;
          box-shadow: 0 2px 6px rgba(0, 0, 0, 0.25); font-size: 12px; pointer-events: none; overflow-wrap: anywhere; }
        #tooltip[hidden] { display: none; }
        </style>

        """;

    public const string Controls = """
        <div id="subtitle"></div>
        <div id="controls">
        <button id="reset" type="button" title="Show the whole profile (Esc)">Reset zoom</button>
        <input id="search" type="search" placeholder="Search: text, or /regular expression/" autocomplete="off" spellcheck="false">
        <span id="match"></span>
        </div>

        """;

    public const string GraphArea = """
        <div id="status"></div>
        <div id="graph"></div>
        <div id="tooltip" hidden></div>

        """;

    /// <summary>Builds the page from the embedded JSON (see <see cref="FlameGraphData"/>) and keeps the view in the URL fragment.</summary>
    public const string Script = """

        (function () {
          'use strict';
          var data = JSON.parse(document.getElementById('ember-data').textContent);
          var ROW = 18;
          // A change of share below 0.01 percentage points counts as unchanged.
          var SAME = 0.0001;
          var graph = document.getElementById('graph');
          var tooltip = document.getElementById('tooltip');
          var search = document.getElementById('search');
          var matchLine = document.getElementById('match');
          var statusLine = document.getElementById('status');

          // Rebuild the tree from the flat preorder array: name, total, self, [before total, before self,] child count.
          var flat = data.nodes, stride = data.diff ? 6 : 4, at = 0, nodes = [];
          function take(parent) {
            var n = {
              name: data.names[flat[at]], total: flat[at + 1], self: flat[at + 2],
              beforeTotal: data.diff ? flat[at + 3] : 0, beforeSelf: data.diff ? flat[at + 4] : 0,
              parent: parent, depth: parent ? parent.depth + 1 : 0, x: parent ? parent.end : 0, children: []
            };
            n.end = n.x;
            var count = flat[at + stride - 1];
            at += stride;
            if (parent) { parent.children.push(n); parent.end += Math.max(0, n.total); }
            nodes.push(n);
            return { node: n, left: count };
          }
          var first = take(null), root = first.node, pending = [first];
          while (pending.length) {
            var top = pending[pending.length - 1];
            if (top.left === 0) { pending.pop(); } else { top.left--; pending.push(take(top.node)); }
          }

          function share(v, total) { return total ? v / total : 0; }
          var maxDelta = 0;
          nodes.forEach(function (n) {
            n.delta = data.diff ? share(n.total, root.total) - share(n.beforeTotal, root.beforeTotal) : 0;
            if (n !== root) { maxDelta = Math.max(maxDelta, Math.abs(n.delta)); }
          });

          function count(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
          function pct(v, total) { return (100 * share(v, total)).toFixed(2); }
          function signed(p) { return (p > 0 ? '+' : '') + p.toFixed(2); }
          function grouped(v) { return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
          function amount(v, unit) {
            var a = Math.abs(v);
            if (unit === 'nanoseconds') {
              if (a >= 1e9) { return (v / 1e9).toFixed(2) + ' s'; }
              if (a >= 1e6) { return (v / 1e6).toFixed(2) + ' ms'; }
              if (a >= 1e3) { return (v / 1e3).toFixed(2) + ' \u00b5s'; }
              return v + ' ns';
            }
            if (unit === 'bytes') {
              var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
              while (a >= 1024 && i < units.length - 1) { a /= 1024; i++; }
              return (i ? (v / Math.pow(1024, i)).toFixed(2) : v) + ' ' + units[i];
            }
            return grouped(v) + (unit ? ' ' + unit : '');
          }

          function hash(s) {
            var h = 2166136261;
            for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
            return h >>> 0;
          }
          // Warm colours that only tell neighbours apart; the same name always gets the same colour.
          function warm(name) {
            var h = hash(name);
            return 'hsl(' + (h % 45) + ',' + (75 + (h >>> 8) % 20) + '%,' + (58 + (h >>> 16) % 12) + '%)';
          }
          // Red grew, blue shrank, grey unchanged; the deeper the colour, the bigger the change.
          function diffLook(n) {
            if (Math.abs(n.delta) < SAME) { return { cls: 'same', bg: 'rgb(208,208,208)', light: false }; }
            var t = 0.25 + 0.75 * Math.min(1, Math.abs(n.delta) / maxDelta);
            var to = n.delta > 0 ? [214, 39, 40] : [31, 100, 200];
            var c = [0, 1, 2].map(function (i) { return Math.round(236 + (to[i] - 236) * t); });
            return { cls: n.delta > 0 ? 'grew' : 'shrank', bg: 'rgb(' + c.join(',') + ')', light: t > 0.6 };
          }

          var matcher = null, view = root, drawn = [];
          function compile(query) {
            if (!query) { return null; }
            var literal = /^\/(.+)\/$/.exec(query);
            if (literal) {
              try { var re = new RegExp(literal[1], 'i'); return function (s) { return re.test(s); }; }
              catch (e) { return 'invalid'; }
            }
            var lower = query.toLowerCase();
            return function (s) { return s.toLowerCase().indexOf(lower) >= 0; };
          }
          function matches(n) { return matcher !== null && n !== root && matcher(n.name); }

          function frame(n, left, width, ancestor) {
            var el = document.createElement('div'), cls = 'frame';
            if (ancestor) { cls += ' ancestor'; }
            if (matches(n)) { cls += ' match'; }
            if (data.diff) {
              var look = diffLook(n);
              cls += ' ' + look.cls + (look.light ? ' light-text' : '');
              el.style.backgroundColor = look.bg;
            } else {
              el.style.backgroundColor = n === root ? 'rgb(216,216,216)' : warm(n.name);
            }
            el.className = cls;
            el.style.left = left.toFixed(4) + '%';
            el.style.width = width.toFixed(4) + '%';
            el.style.top = (n.depth * ROW) + 'px';
            el.textContent = n.name;
            el.setAttribute('data-index', String(drawn.length));
            el.setAttribute('data-total', String(n.total));
            el.setAttribute('data-self', String(n.self));
            el.setAttribute('data-pct', pct(n.total, root.total));
            el.setAttribute('data-parent-pct', n.parent ? pct(n.total, n.parent.total) : '100.00');
            if (data.diff) {
              el.setAttribute('data-before-pct', pct(n.beforeTotal, root.beforeTotal));
              el.setAttribute('data-delta-pct', signed(100 * n.delta));
            }
            drawn.push(n);
            return el;
          }

          function render() {
            var fragment = document.createDocumentFragment(), hidden = 0, deepest = 0;
            var scale = view.total > 0 ? 100 / view.total : 0, minPct = 100 * data.minWidth;
            drawn = [];
            var ancestors = [];
            for (var a = view.parent; a; a = a.parent) { ancestors.unshift(a); }
            ancestors.forEach(function (a) { fragment.appendChild(frame(a, 0, 100, true)); });
            var stack = [view];
            while (stack.length) {
              var n = stack.pop(), width = Math.max(0, n.total) * scale;
              // Narrow frames are skipped with their callees; their cost stays in the caller's width.
              if (n !== view && (width <= 0 || width < minPct)) { hidden++; continue; }
              fragment.appendChild(frame(n, (n.x - view.x) * scale, width, false));
              deepest = Math.max(deepest, n.depth);
              for (var i = n.children.length - 1; i >= 0; i--) { stack.push(n.children[i]); }
            }
            graph.textContent = '';
            graph.style.height = ((deepest + 1) * ROW) + 'px';
            graph.appendChild(fragment);
            var text = 'Showing ' + count(drawn.length, 'frame', 'frames');
            if (hidden) { text += '; ' + count(hidden, 'call path', 'call paths') + ' narrower than ' + (+(100 * data.minWidth).toPrecision(6)) + '% of the view not drawn (zoom in to see them)'; }
            if (data.leftOut) { text += '; ' + count(data.leftOut, 'call path', 'call paths') + ' under ' + (+(100 * data.minShare).toPrecision(6)) + '% of the total left out of this page'; }
            if (data.absentAfter) { text += '; ' + count(data.absentAfter, 'call path', 'call paths') + ' only in before, so without width'; }
            statusLine.textContent = text + '.';
          }

          function applySearch() {
            matcher = compile(search.value);
            if (matcher === 'invalid') {
              matcher = null;
              matchLine.textContent = 'Invalid regular expression';
            } else if (matcher === null) {
              matchLine.textContent = '';
            } else {
              // A match below a matching frame is already in that frame's total.
              var sum = 0, stack = [root];
              while (stack.length) {
                var n = stack.pop();
                if (matches(n)) { sum += n.total; continue; }
                for (var i = 0; i < n.children.length; i++) { stack.push(n.children[i]); }
              }
              matchLine.textContent = 'Matched: ' + pct(sum, root.total) + '% of total (' + amount(sum, data.unit) + ')';
            }
            render();
          }

          // The view lives in the fragment (#zoom=a/b/c&search=text), so a link shows what you saw.
          function pathOf(n) { var path = []; for (; n && n !== root; n = n.parent) { path.unshift(encodeURIComponent(n.name)); } return path.join('/'); }
          function saveState() {
            var parts = [];
            if (view !== root) { parts.push('zoom=' + pathOf(view)); }
            if (search.value) { parts.push('search=' + encodeURIComponent(search.value)); }
            try { history.replaceState(null, '', '#' + parts.join('&')); } catch (e) { /* some file: URLs refuse; the view still works */ }
          }
          function loadState() {
            var zoomTo = root, query = '';
            location.hash.replace(/^#/, '').split('&').forEach(function (part) {
              var eq = part.indexOf('='), key = part.slice(0, eq), value = part.slice(eq + 1);
              try {
                if (key === 'search') { query = decodeURIComponent(value); }
                if (key === 'zoom') {
                  value.split('/').forEach(function (name) {
                    var wanted = decodeURIComponent(name), next = zoomTo.children.filter(function (c) { return c.name === wanted; })[0];
                    if (next) { zoomTo = next; }
                  });
                }
              } catch (e) { /* a mangled fragment just leaves the default view */ }
            });
            view = zoomTo;
            search.value = query;
            applySearch();
          }

          function zoom(n) { view = n; tooltip.hidden = true; render(); saveState(); }

          function describe(n) {
            var lines = [n.name];
            var ofParent = n.parent ? pct(n.total, n.parent.total) : '100.00';
            if (data.diff) {
              lines.push('After: ' + pct(n.total, root.total) + '% of total, ' + ofParent + '% of parent (' + amount(n.total, data.unit) + ')');
              lines.push('Before: ' + pct(n.beforeTotal, root.beforeTotal) + '% of total (' + amount(n.beforeTotal, data.beforeUnit) + ')');
              lines.push('Change: ' + signed(100 * n.delta) + ' percentage points of total');
              lines.push('Self: ' + pct(n.self, root.total) + '% after, ' + pct(n.beforeSelf, root.beforeTotal) + '% before');
            } else {
              lines.push('Total: ' + amount(n.total, data.unit) + ' \u2014 ' + pct(n.total, root.total) + '% of all, ' + ofParent + '% of parent');
              lines.push('Self: ' + amount(n.self, data.unit) + ' \u2014 ' + pct(n.self, root.total) + '% of all');
            }
            return lines;
          }
          graph.addEventListener('mousemove', function (e) {
            var el = e.target.closest('.frame');
            if (!el) { tooltip.hidden = true; return; }
            tooltip.textContent = '';
            describe(drawn[+el.getAttribute('data-index')]).forEach(function (text, i) {
              var line = document.createElement(i ? 'div' : 'strong');
              line.textContent = text;
              tooltip.appendChild(line);
            });
            tooltip.hidden = false;
            var x = e.clientX + 14, y = e.clientY + 14;
            if (x + tooltip.offsetWidth > window.innerWidth) { x = Math.max(0, e.clientX - tooltip.offsetWidth - 14); }
            if (y + tooltip.offsetHeight > window.innerHeight) { y = Math.max(0, e.clientY - tooltip.offsetHeight - 14); }
            tooltip.style.left = x + 'px';
            tooltip.style.top = y + 'px';
          });
          graph.addEventListener('mouseleave', function () { tooltip.hidden = true; });
          graph.addEventListener('click', function (e) {
            var el = e.target.closest('.frame');
            if (el) { zoom(drawn[+el.getAttribute('data-index')]); }
          });
          document.getElementById('reset').addEventListener('click', function () { zoom(root); });
          document.addEventListener('keydown', function (e) { if (e.key === 'Escape') { zoom(root); } });
          search.addEventListener('input', function () { applySearch(); saveState(); });
          window.addEventListener('hashchange', loadState);

          document.getElementById('subtitle').textContent = data.diff
            ? data.type + ' (' + data.unit + ') \u2014 before: total ' + amount(root.beforeTotal, data.beforeUnit)
              + ', after: total ' + amount(root.total, data.unit)
            : data.type + ' (' + data.unit + ') \u2014 total ' + amount(root.total, data.unit);
          loadState();
        })();

        """;

    /// <summary>How to read a flame graph.</summary>
    public static string Legend(double minFrameWidth) => $"""
        <div id="legend">
        <p>Each box is a function on a sampled stack; the boxes under it are the functions it called (the root, <i>all</i>, is at the top).
        A box's width is its share of the total, callees included; the part not covered by callees is its self time. Colours only tell neighbours apart.</p>
        <p>Click a box to zoom into it; Reset zoom or Esc goes back. Search matches are shown <span class="swatch match"></span>.
        Boxes narrower than {Percent(minFrameWidth)}% of the view are not drawn.</p>
        </div>

        """;

    /// <summary>How to read a diff flame graph.</summary>
    public static string DiffLegend(double minFrameWidth) => $"""
        <div id="legend">
        <p>Width is the <b>after</b> profile's total (functions gone in after have no width). Colour is the change in share of the total from before to after,
        each profile normalized by its own total; deeper colour means a bigger change:
        <span class="swatch grew"></span>grew <span class="swatch shrank"></span>shrank <span class="swatch same"></span>unchanged.</p>
        <p>Click a box to zoom into it; Reset zoom or Esc goes back. Search matches are shown <span class="swatch match"></span>.
        Boxes narrower than {Percent(minFrameWidth)}% of the view are not drawn.</p>
        </div>

        """;

    private static string Percent(double fraction) => (fraction * 100).ToString("0.####", CultureInfo.InvariantCulture);
}
