// The /ops page: asks for an ops API key (kept in this tab's sessionStorage only), reads
// GET /v1/ops/overview with it and draws the last 30 days per currency as SVG bar charts,
// the open fraud reviews and the failed webhook events. No data is in the HTML itself.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var KEY = 'ops-api-key';

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) {
      node.setAttribute(k, String(attrs[k]));
    });
    return node;
  }

  // Minor units to a display amount using the currency's own decimals (JPY 0, BHD 3).
  function money(minor, currency) {
    var code = currency.toUpperCase();
    try {
      var format = new Intl.NumberFormat('en', { style: 'currency', currency: code });
      var digits = format.resolvedOptions().maximumFractionDigits;
      return format.format(minor / Math.pow(10, digits));
    } catch (e) {
      return minor + ' ' + code + ' (minor units)';
    }
  }

  function chart(series) {
    var box = el('div', { class: 'chart', 'data-currency': series.currency });
    box.appendChild(el('h3', {}, series.currency.toUpperCase() + ': gross succeeded per day'));
    var width = 720,
      height = 140,
      pad = 20;
    var max = Math.max.apply(
      null,
      series.points
        .map(function (p) {
          return p.gross;
        })
        .concat([1]),
    );
    var step = (width - pad) / series.points.length;
    var svg = svgEl('svg', {
      width: width,
      height: height + pad,
      role: 'img',
      'aria-label': series.currency + ' daily gross',
    });
    series.points.forEach(function (p, i) {
      var h = Math.round((p.gross / max) * height);
      var bar = svgEl('rect', {
        class: p.gross ? 'bar' : 'bar empty',
        x: pad + i * step,
        y: height - Math.max(h, 1),
        width: Math.max(step - 2, 1),
        height: Math.max(h, 1),
        'data-date': p.date,
        'data-gross': p.gross,
      });
      var title = svgEl('title', {});
      title.textContent =
        p.date +
        ': ' +
        money(p.gross, series.currency) +
        ', net ' +
        money(p.net, series.currency) +
        ', ' +
        p.succeeded +
        '/' +
        p.attempted +
        ' succeeded';
      bar.appendChild(title);
      svg.appendChild(bar);
    });
    var first = svgEl('text', { x: pad, y: height + 14 });
    first.textContent = series.points[0].date;
    var last = svgEl('text', { x: width - 70, y: height + 14 });
    last.textContent = series.points[series.points.length - 1].date;
    svg.appendChild(first);
    svg.appendChild(last);
    box.appendChild(svg);
    return box;
  }

  function row(cells, attrs) {
    var tr = el('tr', attrs || {});
    cells.forEach(function (c) {
      tr.appendChild(el('td', c.num ? { class: 'num' } : {}, c.text));
    });
    return tr;
  }

  function render(data) {
    document.getElementById('range').textContent =
      data.from + ' to ' + data.to + ' (' + data.time_zone + ')';
    var charts = document.getElementById('charts');
    charts.replaceChildren();
    if (!data.series.length) charts.appendChild(el('p', {}, 'No payments in these 30 days.'));
    data.series.forEach(function (s) {
      charts.appendChild(chart(s));
    });

    var reviews = document.querySelector('#reviews tbody');
    reviews.replaceChildren();
    data.open_reviews.forEach(function (r) {
      reviews.appendChild(
        row(
          [
            { text: r.id },
            { text: r.payment.id + ' (' + r.payment.status + ')' },
            { text: money(r.payment.amount, r.payment.currency), num: true },
            {
              text: r.reasons
                .map(function (x) {
                  return x.rule;
                })
                .join(', '),
            },
            { text: (r.capture_before || 'n/a') + (r.near_deadline ? ' (soon)' : '') },
          ],
          { 'data-review': r.id, class: r.near_deadline ? 'near-deadline' : '' },
        ),
      );
    });
    var events = document.querySelector('#failed-events tbody');
    events.replaceChildren();
    data.failed_events.forEach(function (e) {
      events.appendChild(
        row(
          [
            { text: e.id },
            { text: e.type },
            { text: String(e.attempts), num: true },
            { text: e.received_at },
            { text: e.last_error || '' },
          ],
          { 'data-event': e.id },
        ),
      );
    });
    document.getElementById('overview').hidden = false;
  }

  function status(text, isError) {
    var node = document.getElementById('status');
    node.textContent = text;
    node.className = isError ? 'error' : '';
  }

  function load() {
    var key = sessionStorage.getItem(KEY);
    if (!key) return;
    status('Loading…');
    fetch('/v1/ops/overview', { headers: { Authorization: 'Bearer ' + key } })
      .then(function (res) {
        return res.json().then(function (body) {
          return { ok: res.ok, body: body };
        });
      })
      .then(function (r) {
        if (!r.ok) throw new Error(r.body.error ? r.body.error.message : 'Request failed');
        render(r.body);
        status('Updated ' + new Date().toISOString());
      })
      .catch(function (err) {
        status(err.message, true);
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('key-form').addEventListener('submit', function (event) {
      event.preventDefault();
      sessionStorage.setItem(KEY, document.getElementById('ops-key').value.trim());
      load();
    });
    load();
  });
})();
