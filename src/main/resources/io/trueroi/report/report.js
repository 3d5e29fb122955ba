/* TrueROI's analyst page: draws every panel from the JSON data island with ECharts. Data never
   reaches the DOM as HTML: text goes through textContent, charts draw on canvas and tooltips render
   as rich text, so a channel named "<script>" is shown, not run. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('trueroi-data').textContent);
  var meta = data.meta;
  ['run', 'headline', 'claims', 'channels', 'models', 'daily', 'cohorts', 'clv', 'paths', 'warnings', 'quarantine',
    'freshness', 'coverage'].forEach(function (name) {
    if (!data[name]) { data[name] = { source: name, columns: [], rows: [], missing: 'not in this page' }; }
  });
  var L = window.TRUEROI_LABELS[meta.locale] || window.TRUEROI_LABELS.en;
  var ECHARTS_LOCALE = meta.locale === 'zh-CN' ? 'ZH' : 'EN';
  var MONEY = new Intl.NumberFormat(meta.locale, {
    style: 'currency', currency: meta.currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var NUMBER = new Intl.NumberFormat(meta.locale, { maximumFractionDigits: 2 });
  var RATIO = new Intl.NumberFormat(meta.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var PERCENT = new Intl.NumberFormat(meta.locale, { style: 'percent', maximumFractionDigits: 1 });
  var MONEY_COLUMNS = /(^|_)(spend|net_revenue|value|cac|ltv_90|clv_365|per_customer)(_lo|_hi)?$|revenue_(with_touches|no_touch|unidentified)$/;
  var SHARE_COLUMNS = /share/;
  var RATIO_COLUMNS = /roas|claims_to|ltv_cac/;
  var TEXT_COLUMNS = /^(channel|platform|model|path|feed|reason_code|stage|table|check|severity|detail|span|acquisition_month|date|as_of_date|last_delivery|run_id|job)$/;
  var charts = [];
  var period = meta.periods[meta.periods.length > 1 ? 1 : 0];
  window.trueroiReport = { charts: charts, firstChartMs: null };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function format(column, v) {
    if (v === null || v === undefined) { return '—'; }
    if (typeof v !== 'number') { return String(v); }
    if (SHARE_COLUMNS.test(column)) { return PERCENT.format(v); }
    if (RATIO_COLUMNS.test(column)) { return RATIO.format(v) + '×'; }
    if (MONEY_COLUMNS.test(column)) { return MONEY.format(v); }
    return NUMBER.format(v);
  }

  function label(column) { return L.columns[column] || column; }

  function rows(panel, days) {
    if (days === undefined) { return panel.rows; }
    var i = panel.columns.indexOf('days');
    return panel.rows.filter(function (r) { return r[i] === days; });
  }

  function col(panel, rs, name) {
    var i = panel.columns.indexOf(name);
    return rs.map(function (r) { return r[i]; });
  }

  function record(panel, r) {
    var o = {};
    panel.columns.forEach(function (c, i) { o[c] = r[i]; });
    return o;
  }

  /* The numbers under a chart: a plain table, copyable as it is. */
  function table(panel, rs, open) {
    var details = el('details');
    if (open) { details.open = true; }
    details.appendChild(el('summary', null, L.numbers + ' (' + rs.length + ')'));
    var t = el('table', 'numbers');
    t.setAttribute('data-source', panel.source);
    var head = t.createTHead().insertRow();
    panel.columns.forEach(function (c) {
      var th = el('th', TEXT_COLUMNS.test(c) ? 'text' : null, label(c));
      head.appendChild(th);
    });
    var body = t.createTBody();
    rs.forEach(function (r) {
      var tr = body.insertRow();
      r.forEach(function (v, i) {
        var td = el('td', TEXT_COLUMNS.test(panel.columns[i]) ? 'text' : null, format(panel.columns[i], v));
        tr.appendChild(td);
      });
    });
    details.appendChild(t);
    return details;
  }

  function empty(what) {
    return el('p', 'empty', L.noData + ' ' + what);
  }

  function periodName(days) { return days === 1 ? L.runDate : L.lastDays.replace('{n}', days); }

  function chart(container, name, option) {
    var div = el('div', 'chart');
    div.setAttribute('data-chart', name);
    container.appendChild(div);
    var c = echarts.init(div, null, { locale: ECHARTS_LOCALE, renderer: 'canvas' });
    option.animation = false;
    option.tooltip = Object.assign({ renderMode: 'richText', confine: true }, option.tooltip || {});
    c.on('finished', function () {
      if (window.trueroiReport.firstChartMs === null) { window.trueroiReport.firstChartMs = performance.now(); }
    });
    c.setOption(option);
    charts.push(c);
    return c;
  }

  function section(id, title, note) {
    var s = el('section');
    s.id = id;
    s.appendChild(el('h2', null, title));
    if (note) { s.appendChild(el('p', 'note', note)); }
    var body = el('div', 'body');
    s.appendChild(body);
    document.getElementById('app').appendChild(s);
    return body;
  }

  /* A panel's body: its chart and table, or the words saying there is nothing to draw. */
  function panelBody(body, panel, rs, what, draw) {
    if (panel.missing) {
      body.appendChild(empty(what + ' (' + panel.missing + ')'));
      return;
    }
    if (rs.length === 0) {
      body.appendChild(empty(what + ' (' + panel.source + ')'));
      return;
    }
    draw(body, rs);
    body.appendChild(table(panel, rs, false));
  }

  var money = { axisLabel: { formatter: function (v) { return NUMBER.format(v); } } };

  function bars(categories, series, extra) {
    return Object.assign({
      legend: { top: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 70 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > 5 ? 20 : 0 } },
      yAxis: Object.assign({ type: 'value' }, money),
      series: series
    }, extra || {});
  }

  function headline(body) {
    var p = data.headline;
    if (p.missing) { body.appendChild(empty(L.titles.headline + ' (' + p.missing + ')')); return; }
    var cur = null, prev = null;
    rows(p, period).forEach(function (r) {
      var o = record(p, r);
      if (o.span === 'current') { cur = o; } else { prev = o; }
    });
    // A period with no spend, no booked revenue and no new customer has nothing to show.
    if (!cur || (!cur.spend && !cur.net_revenue && !cur.new_customers)) {
      body.appendChild(empty(L.titles.headline + ', ' + periodName(period) + ' (' + p.source + ')'));
      return;
    }
    var cards = el('div', 'cards');
    [['spend'], ['net_revenue'], ['real_roas'], ['iroas', 'iroas_lo', 'iroas_hi'], ['new_customers'], ['cac'],
      ['ltv_cac_predicted_365']].forEach(function (k) {
      var card = el('div', 'card');
      card.setAttribute('data-figure', k[0]);
      card.appendChild(el('div', 'label', label(k[0])));
      card.appendChild(el('div', 'value', format(k[0], cur[k[0]])));
      if (k.length > 1) {
        card.appendChild(el('div', 'range', L.interval + ' ' + format(k[1], cur[k[1]]) + ' – ' + format(k[2], cur[k[2]])));
      }
      var a = cur[k[0]], b = prev ? prev[k[0]] : null;
      var change = el('div', 'change');
      if (a === null || b === null || b === 0) {
        change.textContent = L.noChange;
      } else {
        var d = (a - b) / Math.abs(b);
        change.textContent = (d >= 0 ? '▲ ' : '▼ ') + PERCENT.format(Math.abs(d)) + ' ' + L.vsBefore;
        change.className += d >= 0 ? ' up' : ' down';
      }
      card.appendChild(change);
      cards.appendChild(card);
    });
    body.appendChild(cards);
    body.appendChild(table(p, rows(p, period), false));
  }

  function claims(body) {
    var p = data.claims;
    panelBody(body, p, rows(p, period), L.titles.claims + ', ' + periodName(period), function (b, rs) {
      var names = col(p, rs, 'platform');
      chart(b, 'claims', bars(names, [
        { name: label('claimed_value'), type: 'bar', data: col(p, rs, 'claimed_value') },
        { name: label('credited_net_revenue'), type: 'bar', data: col(p, rs, 'credited_net_revenue') },
        { name: label('caused_net_revenue'), type: 'bar', data: col(p, rs, 'caused_net_revenue') }
      ]));
    });
  }

  /* iROAS whiskers: a vertical line from the interval's low to its high bound, with caps, over the
     second of two bars laid out with no gap between them and 40% of the band around them. */
  var PAIR = { barGap: '0%', barCategoryGap: '40%' };
  function whiskers(lo, hi) {
    return {
      name: L.interval, type: 'custom', z: 10, encode: { x: 0, y: [1, 2] },
      data: lo.map(function (l, i) { return [i, l, hi[i]]; }).filter(function (d) { return d[1] !== null && d[2] !== null; }),
      renderItem: function (params, api) {
        var low = api.coord([api.value(0), api.value(1)]);
        var high = api.coord([api.value(0), api.value(2)]);
        var band = api.size([1, 0])[0];
        var x = low[0] + band * 0.15;
        var cap = band * 0.06;
        var style = { stroke: '#333', lineWidth: 1.5 };
        return { type: 'group', children: [
          { type: 'line', shape: { x1: x, y1: low[1], x2: x, y2: high[1] }, style: style },
          { type: 'line', shape: { x1: x - cap, y1: low[1], x2: x + cap, y2: low[1] }, style: style },
          { type: 'line', shape: { x1: x - cap, y1: high[1], x2: x + cap, y2: high[1] }, style: style }
        ] };
      }
    };
  }

  function channels(body) {
    var p = data.channels;
    panelBody(body, p, rows(p, period), L.titles.channels + ', ' + periodName(period), function (b, rs) {
      var names = col(p, rs, 'channel');
      chart(b, 'channels', bars(names, [
        Object.assign({ name: label('real_roas'), type: 'bar', data: col(p, rs, 'real_roas') }, PAIR),
        Object.assign({ name: label('iroas'), type: 'bar', data: col(p, rs, 'iroas') }, PAIR),
        whiskers(col(p, rs, 'iroas_lo'), col(p, rs, 'iroas_hi'))
      ], { yAxis: { type: 'value' } }));
    });
  }

  function models(body) {
    var p = data.models;
    panelBody(body, p, p.rows, L.titles.models, function (b, rs) {
      var channelsOf = unique(col(p, rs, 'channel'));
      var modelsOf = unique(col(p, rs, 'model'));
      var ci = p.columns.indexOf('channel'), mi = p.columns.indexOf('model'), si = p.columns.indexOf('conversion_share');
      chart(b, 'models', bars(channelsOf, modelsOf.map(function (m) {
        return { name: m, type: 'bar', data: channelsOf.map(function (c) {
          var r = rs.find(function (x) { return x[mi] === m && x[ci] === c; });
          return r ? r[si] : null;
        }) };
      }), { yAxis: { type: 'value', axisLabel: { formatter: function (v) { return PERCENT.format(v); } } } }));
    });
  }

  function unique(xs) {
    var out = [];
    xs.forEach(function (x) { if (out.indexOf(x) < 0) { out.push(x); } });
    return out;
  }

  function byChannelOverTime(p, rs, value) {
    var dates = unique(col(p, rs, 'date'));
    var names = unique(col(p, rs, 'channel'));
    var di = p.columns.indexOf('date'), ci = p.columns.indexOf('channel'), vi = p.columns.indexOf(value);
    var cells = {};
    rs.forEach(function (r) { cells[r[di] + '\u0000' + r[ci]] = r[vi]; });
    return { dates: dates, series: names.map(function (n) {
      return { name: n, data: dates.map(function (d) { var v = cells[d + '\u0000' + n]; return v === undefined ? 0 : v; }) };
    }) };
  }

  function daily(body) {
    var p = data.daily;
    panelBody(body, p, p.rows, L.titles.daily, function (b, rs) {
      var two = el('div', 'twocol');
      b.appendChild(two);
      var s = byChannelOverTime(p, rs, 'spend');
      var left = el('div'), right = el('div');
      two.appendChild(left);
      two.appendChild(right);
      left.appendChild(el('h3', null, label('spend')));
      right.appendChild(el('h3', null, label('net_revenue')));
      chart(left, 'daily-spend', bars(s.dates, s.series.map(function (x) {
        return { name: x.name, type: 'bar', stack: 'spend', data: x.data };
      }), { xAxis: { type: 'category', data: s.dates } }));
      var r = byChannelOverTime(p, rs, 'net_revenue');
      chart(right, 'daily-revenue', bars(r.dates, r.series.map(function (x) {
        return { name: x.name, type: 'line', showSymbol: false, data: x.data };
      }), { xAxis: { type: 'category', data: r.dates } }));
    });
  }

  function cohorts(body) {
    var p = data.cohorts;
    panelBody(body, p, p.rows, L.titles.cohorts, function (b, rs) {
      var months = unique(col(p, rs, 'acquisition_month'));
      var ages = unique(col(p, rs, 'months_since_acquisition')).sort(function (a, c) { return a - c; });
      var mi = p.columns.indexOf('acquisition_month'), ai = p.columns.indexOf('months_since_acquisition');
      var vi = p.columns.indexOf('cumulative_net_revenue_per_customer');
      chart(b, 'cohorts', bars(ages.map(String), months.map(function (m) {
        return { name: m, type: 'line', data: ages.map(function (a) {
          var r = rs.find(function (x) { return x[mi] === m && x[ai] === a; });
          return r ? r[vi] : null;
        }) };
      }), { tooltip: { trigger: 'axis' }, xAxis: { type: 'category', name: label('months_since_acquisition'), nameLocation: 'middle', nameGap: 30, data: ages.map(String) } }));
    });
  }

  function clv(body) {
    var p = data.clv;
    panelBody(body, p, p.rows, L.titles.clv, function (b, rs) {
      chart(b, 'clv', bars(col(p, rs, 'channel'), [
        { name: label('avg_predicted_clv_365'), type: 'bar', data: col(p, rs, 'avg_predicted_clv_365') },
        { name: label('avg_ltv_90'), type: 'bar', data: col(p, rs, 'avg_ltv_90') },
        { name: label('cac'), type: 'bar', data: col(p, rs, 'cac') }
      ]));
    });
  }

  /* Paths as a Sankey: node "k. channel" is the channel at step k, so the graph has no cycle. */
  function paths(body) {
    var p = data.paths;
    var converting = p.rows.filter(function (r) { return record(p, r).path_length > 0; });
    panelBody(body, p, p.rows, L.titles.paths, function (b, rs) {
      var nodes = {}, links = {};
      function link(a, c, v) {
        nodes[a] = true; nodes[c] = true;
        var k = a + '\u0000' + c;
        links[k] = (links[k] || 0) + v;
      }
      converting.forEach(function (r) {
        var o = record(p, r);
        var steps = o.path.split(' > ').map(function (s, i) { return (i + 1) + '. ' + s; });
        for (var i = 0; i + 1 < steps.length; i++) { link(steps[i], steps[i + 1], o.journeys); }
        var last = steps[steps.length - 1];
        if (o.conversions > 0) { link(last, L.converted, o.conversions); }
        if (o.journeys > o.conversions) { link(last, L.notConverted, o.journeys - o.conversions); }
      });
      if (converting.length === 0) { b.appendChild(empty(L.titles.paths + ' (' + p.source + ')')); return; }
      chart(b, 'paths', {
        tooltip: { trigger: 'item' },
        series: [{ type: 'sankey', left: 10, right: 160, nodeGap: 10, emphasis: { focus: 'adjacency' },
          data: Object.keys(nodes).map(function (n) { return { name: n }; }),
          links: Object.keys(links).map(function (k) {
            var ab = k.split('\u0000');
            return { source: ab[0], target: ab[1], value: links[k] };
          }),
          lineStyle: { color: 'gradient', curveness: 0.5 } }]
      });
    });
  }

  function health(body) {
    var w = data.warnings;
    body.appendChild(el('h3', null, L.titles.warnings));
    if (w.missing || w.rows.length === 0) {
      body.appendChild(el('p', 'note', w.missing ? L.noData + ' ' + L.titles.warnings + ' (' + w.missing + ')' : L.noWarnings));
    } else {
      body.appendChild(table(w, w.rows, true));
    }
    var q = data.quarantine;
    body.appendChild(el('h3', null, L.titles.quarantine));
    panelBody(body, q, q.rows, L.titles.quarantine, function (b, rs) {
      var feeds = unique(col(q, rs, 'feed'));
      var reasons = unique(col(q, rs, 'reason_code'));
      var fi = q.columns.indexOf('feed'), ri = q.columns.indexOf('reason_code'), li = q.columns.indexOf('lines');
      chart(b, 'quarantine', bars(feeds, reasons.map(function (reason) {
        return { name: reason, type: 'bar', stack: 'lines', data: feeds.map(function (f) {
          var r = rs.find(function (x) { return x[fi] === f && x[ri] === reason; });
          return r ? r[li] : 0;
        }) };
      }), { yAxis: { type: 'value', minInterval: 1 } }));
    });
    var f = data.freshness;
    body.appendChild(el('h3', null, L.titles.freshness));
    if (f.missing || f.rows.length === 0) {
      body.appendChild(empty(L.titles.freshness + ' (' + (f.missing || f.source) + ')'));
    } else {
      body.appendChild(table(f, f.rows, true));
    }
    coverage(body);
  }

  function coverage(body) {
    var p = data.coverage;
    var cur = p.rows.length ? record(p, p.rows[0]) : null;
    var what = L.titles.coverage + (cur ? ', ' + L.upTo.replace('{date}', cur.as_of_date) : '');
    body.appendChild(el('h3', null, what));
    if (p.missing || !cur || !cur.net_revenue) {
      body.appendChild(empty(what + ' (' + (p.missing || p.source) + ')'));
      return;
    }
    body.appendChild(el('p', 'note', L.coverageNote.replace('{share}', format('share', cur.share_with_touches))));
    chart(body, 'coverage', {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      series: [{ type: 'pie', radius: ['35%', '65%'], top: 30,
        label: { formatter: function (x) { return x.name + ' ' + PERCENT.format(x.percent / 100); } },
        data: ['net_revenue_with_touches', 'net_revenue_no_touch', 'net_revenue_unidentified'].map(function (k) {
          return { name: label(k), value: cur[k] };
        }) }]
    });
    body.appendChild(table(p, p.rows, true));
  }

  var PERIODIC = [['headline', headline], ['claims', claims], ['channels', channels]];
  var STATIC = [['health', health], ['models', models], ['daily', daily], ['cohorts', cohorts], ['clv', clv], ['paths', paths]];
  var ORDER = ['headline', 'claims', 'channels', 'models', 'daily', 'cohorts', 'clv', 'paths', 'health'];
  var bodies = {};

  function draw(name, fn) {
    var b = bodies[name];
    Array.prototype.slice.call(b.querySelectorAll('.chart')).forEach(function (div) {
      var c = echarts.getInstanceByDom(div);
      if (c) { charts.splice(charts.indexOf(c), 1); c.dispose(); }
    });
    while (b.firstChild) { b.removeChild(b.firstChild); }
    fn(b);
  }

  function header() {
    var top = document.getElementById('top');
    top.appendChild(el('h1', null, L.title));
    var run = data.run.rows.length ? record(data.run, data.run.rows[0]) : {};
    top.appendChild(el('p', 'sub', L.subtitle.replace('{date}', meta.date).replace('{model}', meta.model)
      .replace('{currency}', meta.currency).replace('{run}', run.run_id || '—')));
    var nav = el('nav', 'periods');
    nav.setAttribute('aria-label', L.period);
    meta.periods.forEach(function (d) {
      var b = el('button', null, periodName(d));
      b.type = 'button';
      b.setAttribute('data-days', d);
      b.setAttribute('aria-pressed', String(d === period));
      b.addEventListener('click', function () {
        period = d;
        Array.prototype.slice.call(nav.children).forEach(function (x) { x.setAttribute('aria-pressed', String(Number(x.getAttribute('data-days')) === d)); });
        PERIODIC.forEach(function (e) { draw(e[0], e[1]); });
      });
      nav.appendChild(b);
    });
    top.appendChild(nav);
    document.getElementById('foot').appendChild(el('p', null, L.footer.replace('{generated}', meta.generated_at)));
  }

  header();
  ORDER.forEach(function (name) { bodies[name] = section(name, L.titles[name], L.notes[name]); });
  PERIODIC.concat(STATIC).forEach(function (e) { draw(e[0], e[1]); });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
}());
