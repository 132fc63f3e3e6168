// vintent inspector page: a renderer only. The server verifies the bundle with
// the library (POST /inspect/api/verify) and returns the model drawn here.
// Every value is inserted as text (never as HTML): bundles are untrusted input.

const $ = (id) => document.getElementById(id);

/** Build an element: el('div', {class: 'x', dataset: {a: 1}}, 'text', child, …). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const short = (s, n = 12) => (typeof s === 'string' && s.length > n + 3 ? `${s.slice(0, n)}…` : s);
const when = (t) =>
  typeof t === 'number' ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : '—';

function duration(seconds) {
  const s = Math.abs(seconds);
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

const STATUS_TEXT = { ok: '✓', failed: '✗', skipped: '–', 'not-checked': '·' };

// ---------------------------------------------------------------- state

const state = { role: 'presented', pair: 0, text: '', pairs: 0, request: 0 };

/**
 * The static inspector (vintent inspect --static) carries the inspection in
 * the page (inspector-core.js sets vintentInspector); the served one asks
 * its server. Both answer with the same model.
 */
async function inspectRequest() {
  const local = globalThis.vintentInspector;
  if (local) {
    const keys = globalThis.vintentKeys ?? {};
    const answer = await local.inspectText(state.text, state.role, state.pair, keys);
    return answer.ok
      ? { res: { ok: true }, body: answer.view }
      : { res: { ok: false, status: answer.status }, body: { error: answer } };
  }
  const res = await fetch('/inspect/api/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: state.text, role: state.role, pair: state.pair }),
  });
  return { res, body: await res.json() };
}

async function verify() {
  state.text = $('bundle-text').value;
  if (state.text.trim() === '') {
    $('status').textContent = 'paste or drop a bundle first';
    return;
  }
  $('status').textContent = 'verifying…';
  // Role and pair switches can overlap: only the answer to the latest request is drawn.
  const request = ++state.request;
  const latest = () => request === state.request;
  try {
    const { res, body } = await inspectRequest();
    if (!latest()) return;
    if (!res.ok) {
      // Refused before verification (not JSON, too large, too deep): no chain to draw.
      $('report').hidden = true;
      $('status').textContent =
        `${body.error?.code ?? res.status}: ${body.error?.message ?? 'request failed'}`;
      return;
    }
    render(body);
    $('status').textContent = '';
  } catch (e) {
    if (!latest()) return;
    $('status').textContent = `could not reach the inspector server (${e.message})`;
  }
}

// ---------------------------------------------------------------- rendering

function render(model) {
  $('report').hidden = false;
  document.body.dataset.role = model.view.role;
  renderPairPicker(model);
  $('verdict').replaceChildren(...verdictParts(model));
  $('verdict').className = `verdict ${model.verdict.valid ? 'valid' : 'invalid'}`;
  $('chain').replaceChildren(...chainParts(model));
  $('constraints').replaceChildren(...constraintParts(model));
}

function renderPairPicker(model) {
  const count = Math.max(state.pairs, model.pairs.length);
  state.pairs = count;
  const picker = $('pair-pick');
  picker.hidden = count < 2;
  const select = $('pair');
  if (select.options.length !== count) {
    select.replaceChildren(
      ...Array.from({ length: count }, (_, i) => el('option', { value: i }, String(i))),
    );
  }
  select.value = String(state.pair);
}

function codeChip(e) {
  return el('span', { class: 'code', title: e.message ?? '' }, e.code);
}

function verdictParts(m) {
  const v = m.verdict;
  const parts = [
    el(
      'div',
      { class: 'verdict-main' },
      el('strong', { id: 'verdict-text' }, v.valid ? 'VALID' : 'INVALID'),
      el('span', {}, v.mode ? `${v.mode} mode` : 'mode unknown'),
      v.profile && el('span', { class: 'profile', id: 'verdict-profile' }, v.profile),
      el('span', {}, `judged at ${when(v.at)}`),
      m.name && el('span', { class: 'name' }, m.name),
    ),
    v.summary && el('div', { class: 'verdict-summary', id: 'verdict-summary' }, v.summary),
    el(
      'div',
      { class: 'verdict-meta' },
      el(
        'span',
        { class: `trust trust-${m.trust.source}`, id: 'trust-source' },
        `trust: ${m.trust.source}`,
      ),
      el('span', { class: 'muted' }, m.trust.detail),
    ),
    el(
      'div',
      { class: 'verdict-meta' },
      el('span', { class: 'view-role', id: 'view-role' }, `view: ${m.view.role}`),
      el('span', { class: 'muted' }, m.view.how),
      m.view.warning && el('span', { class: 'warning' }, m.view.warning),
    ),
  ];
  if (v.expected !== undefined) {
    const match = v.expected === v.valid;
    parts.push(
      el(
        'div',
        { class: `verdict-meta ${match ? '' : 'mismatch'}` },
        el(
          'span',
          {},
          `bundle verdict: ${v.expected ? 'valid' : 'invalid'} ${match ? '(matches)' : '(DOES NOT MATCH)'}`,
        ),
        v.why && el('span', { class: 'muted' }, `— ${v.why}`),
      ),
    );
  }
  if (m.errors.length) {
    parts.push(
      el(
        'ul',
        { class: 'errors' },
        m.errors.map((e) =>
          el(
            'li',
            { dataset: { at: e.at } },
            codeChip(e),
            ' ',
            e.message,
            el(
              'span',
              { class: 'where' },
              ` @ ${e.at}${e.pair !== undefined ? ` · pair ${e.pair}` : ''}`,
            ),
          ),
        ),
      ),
    );
  }
  return parts;
}

function bindingChip(b) {
  return el(
    'div',
    { class: `binding ${b.status}`, dataset: { binding: b.id, status: b.status }, title: b.detail },
    el('span', { class: 'mark' }, STATUS_TEXT[b.status]),
    el('span', { class: 'label' }, b.label),
    el('span', { class: 'bstatus' }, b.status),
    b.errors.map(codeChip),
    b.status === 'skipped' && b.reasons.length
      ? el('span', { class: 'reason' }, b.reasons.join('; '))
      : null,
  );
}

function connector(bindings, caption) {
  if (!bindings.length) return null;
  return el(
    'div',
    { class: 'connector' },
    el('div', { class: 'caption' }, caption),
    el('div', { class: 'chips' }, bindings.map(bindingChip)),
  );
}

// Three columns on a wide window (L1 | L2 | L3s), one on a narrow one. Each
// binding strip sits on top of the card it leads to.
function chainParts(m) {
  if (m.ap2) return ap2ChainParts(m);
  const byId = (id) => m.cards.find((c) => c.id === id);
  const between = (from, to) =>
    m.bindings.filter((b) => b.from === from && b.to === to && from !== to);
  const l1 = byId('l1');
  const l2 = byId('l2');
  const l3s = [];
  const entries = [...new Set(m.cards.filter((c) => c.entry !== undefined).map((c) => c.entry))];
  for (const e of entries) {
    const a = byId(`l3a#${e}`);
    const b = byId(`l3b#${e}`);
    const cross = m.bindings.filter((x) => x.id === `l3#${e}:cross`);
    const parts = [];
    if (a)
      parts.push(
        connector(
          between('l2', a.id),
          `L2 → L3a${a.pair !== undefined ? ` · pair ${a.pair}` : ''}`,
        ),
        card(a, m),
      );
    if (cross.length) parts.push(connector(cross, 'L3a ↔ L3b'));
    if (b)
      parts.push(
        connector(
          between('l2', b.id),
          `L2 → L3b${b.pair !== undefined ? ` · pair ${b.pair}` : ''}`,
        ),
        card(b, m),
      );
    l3s.push(el('div', { class: 'l3-entry', dataset: { entry: e } }, parts));
  }
  if (!l3s.length && m.verdict.mode === 'autonomous')
    l3s.push(
      el('p', { class: 'muted none' }, 'No L3 in this view: no mandate pair fulfilled yet.'),
    );
  return [
    el(
      'div',
      { class: 'col col-l1' },
      el(
        'div',
        { class: 'connector start' },
        el('div', { class: 'caption' }, 'trust → L1'),
        el('span', { class: `trust trust-${m.trust.source}` }, `issuer keys: ${m.trust.source}`),
      ),
      card(l1, m),
    ),
    el(
      'div',
      { class: 'col col-l2' },
      connector(between('l1', 'l2'), 'L1 → L2'),
      card(
        l2,
        m,
        m.bindings.filter((b) => b.from === 'l2' && b.to === 'l2'),
      ),
    ),
    l3s.length ? el('div', { class: 'col col-l3' }, l3s) : null,
  ].filter(Boolean);
}

// AP2: one column per chain (checkout, payment), its segments top to bottom,
// root first, each hop under the binding that ties it to the segment above.
function ap2ChainParts(m) {
  const byId = (id) => m.cards.find((c) => c.id === id);
  const cols = m.ap2.chains.map((chain) => {
    const parts = [
      el(
        'div',
        { class: 'connector start' },
        el('div', { class: 'caption' }, `trust → ${chain.kind} root`),
        el('span', { class: `trust trust-${m.trust.source}` }, `root keys: ${m.trust.source}`),
      ),
    ];
    chain.cards.forEach((id, hop) => {
      const c = byId(id);
      if (!c) return;
      if (hop > 0)
        parts.push(
          connector(
            m.bindings.filter((b) => b.to === id),
            `segment ${hop - 1} → hop ${hop}`,
          ),
        );
      parts.push(card(c, m));
    });
    return el('div', { class: 'col col-ap2', dataset: { chain: chain.kind } }, parts);
  });
  if (!cols.length) cols.push(el('p', { class: 'muted none' }, 'No AP2 chain in this bundle.'));
  return cols;
}

function keyRef(k) {
  return el(
    'span',
    { class: 'key' },
    el('span', { class: 'krole' }, k.role),
    k.kid && el('span', { class: 'kid', title: 'kid' }, k.kid),
    k.thumbprint &&
      el(
        'span',
        { class: 'thumb', title: `JWK thumbprint ${k.thumbprint}` },
        `#${short(k.thumbprint, 10)}`,
      ),
  );
}

function lifetimeBar(l) {
  if (!l) return null;
  const known = typeof l.position === 'number';
  const label = !known
    ? 'lifetime unknown'
    : l.state === 'expired'
      ? `expired ${duration(l.at - l.exp)} ago`
      : l.state === 'not-yet'
        ? `not valid for another ${duration(l.iat - l.at)}`
        : `${duration(l.exp - l.at)} left of ${duration(l.exp - l.iat)}`;
  const track = el('div', { class: `track ${l.state}` });
  if (known) {
    const fill = el('div', { class: 'fill' });
    fill.style.width = `${(l.position * 100).toFixed(1)}%`;
    const mark = el('div', { class: 'now', title: `verification time ${when(l.at)}` });
    mark.style.left = `${(l.position * 100).toFixed(1)}%`;
    track.append(fill, mark);
  }
  return el(
    'div',
    { class: 'lifetime', dataset: { state: l.state } },
    el(
      'div',
      { class: 'lt-ends' },
      el('span', {}, `iat ${when(l.iat)}`),
      el('span', {}, `exp ${when(l.exp)}`),
    ),
    track,
    el('div', { class: `lt-label ${l.state}` }, label),
  );
}

function valueText(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function claimTree(nodes, depth = 0) {
  return el(
    'ul',
    { class: depth === 0 ? 'claims' : 'claims nested' },
    nodes.map((n) => {
      const head = el('span', { class: 'ckey' }, n.key);
      const tag =
        n.state !== 'plain'
          ? el(
              'span',
              { class: `ctag ${n.state}`, title: n.digest ? `digest ${n.digest}` : '' },
              n.state === 'withheld' ? `withheld · ${short(n.digest, 10)}` : 'disclosed',
            )
          : null;
      const attrs = { class: `claim ${n.state}`, dataset: { state: n.state, key: n.key } };
      if (n.children) {
        const summary = el(
          'summary',
          {},
          head,
          el(
            'span',
            { class: 'ctype' },
            n.container === 'array' ? `[${n.children.length}]` : `{${n.children.length}}`,
          ),
          tag,
        );
        const open = depth < 2 && n.children.length <= 12 && n.key !== 'cnf';
        return el('li', attrs, el('details', { open }, summary, claimTree(n.children, depth + 1)));
      }
      if (n.state === 'withheld') return el('li', attrs, head, tag);
      const text = valueText(n.value);
      return el(
        'li',
        attrs,
        head,
        el(
          'span',
          { class: 'cval', title: text.length > 60 ? text : null },
          text.length > 60 ? `${text.slice(0, 57)}…` : text,
        ),
        tag,
      );
    }),
  );
}

function checksList(checks) {
  const count = (s) => checks.filter((c) => c.status === s).length;
  return el(
    'details',
    { class: 'checks' },
    el(
      'summary',
      {},
      `checks: ${count('passed')} passed · ${count('failed')} failed · ${count('skipped')} skipped`,
    ),
    el(
      'ul',
      {},
      checks.map((c) =>
        el(
          'li',
          { class: c.status },
          `${STATUS_TEXT[c.status === 'passed' ? 'ok' : c.status]} ${c.name}${c.pair !== undefined ? ` (pair ${c.pair})` : ''}${c.hop !== undefined ? ` (hop ${c.hop})` : ''}${c.reason ? ` — ${c.reason}` : ''}`,
        ),
      ),
    ),
  );
}

function card(c, _m, innerBindings = []) {
  if (!c) return null;
  const absent = c.decodeProblem !== undefined && c.claims.length === 0;
  return el(
    'article',
    {
      class: `card ${c.layer} ${c.status}`,
      id: `card-${c.id.replace('#', '-')}`,
      dataset: { card: c.id, layer: c.layer, status: c.status },
    },
    el(
      'header',
      {},
      el('h2', {}, c.title),
      c.pair !== undefined && el('span', { class: 'pair' }, `pair ${c.pair}`),
      el('span', { class: `badge ${c.status}` }, c.status),
    ),
    absent ? el('p', { class: 'problem' }, `cannot decode: ${c.decodeProblem}`) : null,
    el(
      'dl',
      { class: 'meta' },
      el('dt', {}, 'typ'),
      el('dd', {}, c.typ ?? '—', c.alg ? el('span', { class: 'muted' }, ` · ${c.alg}`) : null),
      el('dt', {}, 'signed by'),
      el('dd', {}, keyRef(c.signer)),
      c.delegatesTo.length
        ? [el('dt', {}, 'cnf →'), el('dd', {}, c.delegatesTo.map(keyRef))]
        : null,
      c.boundView
        ? [
            el('dt', {}, 'bound to'),
            el('dd', {}, `${c.boundView.source} (${c.boundView.disclosures} disclosures)`),
          ]
        : null,
      c.checkouts.length
        ? [el('dt', {}, 'checkout'), el('dd', {}, c.checkouts.map(checkoutLine))]
        : null,
    ),
    lifetimeBar(c.lifetime),
    c.errors.length
      ? el(
          'ul',
          { class: 'errors' },
          c.errors.map((e) => el('li', {}, codeChip(e), ' ', e.message)),
        )
      : null,
    innerBindings.length
      ? el(
          'div',
          { class: 'inner-bindings' },
          el('div', { class: 'caption' }, 'mandate pair bindings'),
          el('div', { class: 'chips' }, innerBindings.map(bindingChip)),
        )
      : null,
    el(
      'div',
      { class: 'claims-head' },
      `claims · ${c.disclosed} disclosed · ${c.withheld} withheld`,
      c.unreferenced.length
        ? el('span', { class: 'warning' }, ` · ${c.unreferenced.length} unreferenced disclosure(s)`)
        : null,
    ),
    claimTree(c.claims),
    checksList(c.checks),
  );
}

function checkoutLine(co) {
  const merchant =
    co.merchant && typeof co.merchant === 'object'
      ? (co.merchant.name ?? co.merchant.id)
      : undefined;
  const cart = co.cart && typeof co.cart === 'object' ? co.cart : undefined;
  const total =
    co.total_text ?? (cart && typeof cart.total === 'number' ? String(cart.total) : undefined);
  return el(
    'span',
    { class: 'checkout' },
    [merchant ?? 'unnamed merchant', total, co.kid && `signed ${co.kid}`]
      .filter(Boolean)
      .join(' · '),
  );
}

function json(v) {
  const text = v === undefined ? '—' : JSON.stringify(v);
  return el(
    'code',
    { title: text.length > 90 ? text : null },
    text.length > 90 ? `${text.slice(0, 87)}…` : text,
  );
}

/**
 * A constraints table cell: its content in one box, and its column named in
 * data-label, so a narrow window can stack the row as labelled lines.
 */
function cell(label, attrs, ...children) {
  return el('td', { ...attrs, dataset: { label } }, el('div', { class: 'cell' }, ...children));
}

function constraintParts(m) {
  if (!m.constraints.length) {
    const why =
      m.verdict.mode === 'immediate'
        ? 'Immediate mode: the user confirmed final values, there are no constraints.'
        : 'No open mandate constraints are disclosed in this view.';
    return [el('h2', {}, 'Constraints'), el('p', { class: 'muted' }, why)];
  }
  return [
    el('h2', {}, 'Constraints vs L3 values'),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ['pair', 'mandate', 'constraint', 'L2 says', 'checked against', 'outcome'].map((h) =>
              el('th', {}, h),
            ),
          ),
        ),
        el(
          'tbody',
          {},
          m.constraints.map((r) => {
            const { type, ...rest } =
              r.constraint && typeof r.constraint === 'object' ? r.constraint : { type: r.type };
            return el(
              'tr',
              { class: r.status, dataset: { constraint: r.type, status: r.status, pair: r.pair } },
              cell('pair', {}, String(r.pair)),
              cell('mandate', {}, r.mandate),
              cell('constraint', {}, el('strong', {}, r.type)),
              cell('L2 says', {}, json(rest)),
              cell(
                'checked against',
                {},
                r.against
                  ? [el('span', { class: 'muted' }, `${r.against.label}: `), json(r.against.value)]
                  : '—',
              ),
              cell(
                'outcome',
                { class: 'outcome' },
                el('span', { class: `badge ${r.status}` }, r.status),
                r.violations.map(codeChip),
                r.note ? el('div', { class: 'muted' }, r.note) : null,
              ),
            );
          }),
        ),
      ),
    ),
  ];
}

// ---------------------------------------------------------------- input

function loadText(text) {
  $('bundle-text').value = text;
  state.pair = 0;
  state.pairs = 0;
  void verify();
}

function wire() {
  $('verify').addEventListener('click', () => {
    state.pairs = 0;
    void verify();
  });
  $('file').addEventListener('change', async (ev) => {
    const f = ev.target.files?.[0];
    if (f) loadText(await f.text());
  });
  for (const radio of document.querySelectorAll('input[name=role]')) {
    radio.addEventListener('change', () => {
      state.role = radio.value;
      void verify();
    });
  }
  $('pair').addEventListener('change', () => {
    state.pair = Number($('pair').value);
    void verify();
  });
  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    $('drop').hidden = false;
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) $('drop').hidden = true;
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    depth = 0;
    $('drop').hidden = true;
    const f = e.dataTransfer?.files?.[0];
    if (f) loadText(await f.text());
    else if (e.dataTransfer?.getData('text/plain')) loadText(e.dataTransfer.getData('text/plain'));
  });
}

async function preload() {
  try {
    const body = globalThis.vintentInspector
      ? (globalThis.vintentPreload ?? {})
      : await (await fetch('/inspect/api/preload')).json();
    if (body.bundle) {
      $('input-details').open = false;
      $('status').textContent = `preloaded ${body.name}`;
      loadText(JSON.stringify(body.bundle, null, 2));
    }
  } catch {
    // No preload: the page simply waits for input.
  }
}

wire();
void preload();
