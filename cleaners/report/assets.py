"""The report's inline CSS and JavaScript (no CDN: every page is self-contained)."""

import re

# One colour per stage; the pages set --c from the stage class.
STAGE_COLOURS = {
    "unicode": "#8e44ad", "boilerplate": "#6b7b8c", "furniture": "#2c6fbb", "hyphens": "#0f8b8d",
    "reflow": "#5b5fc7", "notes": "#a07d00", "whitespace": "#8a9699", "words": "#c0392b",
    "review": "#1e8449", "dedup": "#d35400",
}
OTHER_COLOUR = "#555555"


def css_name(stage: str) -> str:
    """A stage name safe in a class attribute and a CSS selector."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", stage) or "_"


def stage_css(stages) -> str:
    return "".join(f".s-{css_name(s)}{{--c:{STAGE_COLOURS.get(s, OTHER_COLOUR)}}}" for s in stages)


CSS = r"""
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font:1rem/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fafafa}
a{color:#1a5fb4}
header#bar{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid #ddd;padding:.4rem .8rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header#bar h1{font-size:1.05rem;margin:0;font-weight:600}
.stat{color:#555;font-size:.9rem}
.chips{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}
.chip{display:inline-flex;align-items:center;gap:.25rem;border:1px solid var(--c);border-radius:1rem;padding:.05rem .55rem;font-size:.85rem;cursor:pointer;user-select:none;background:color-mix(in srgb,var(--c) 10%,white)}
.chip input{accent-color:var(--c);margin:0}
.chip b{font-weight:600;color:var(--c)}
button{font:inherit;font-size:.85rem;padding:.1rem .55rem;border:1px solid #bbb;border-radius:.3rem;background:#f4f4f4;cursor:pointer}
button:hover{background:#e8e8e8}
.views label{font-size:.85rem;margin-right:.4rem}
#pos{font-variant-numeric:tabular-nums;font-size:.85rem;color:#444;min-width:7rem;display:inline-block;text-align:center}
.layout{display:flex;align-items:flex-start}
main{flex:1;min-width:0;padding:.6rem 1rem 3rem}
aside#detail{position:sticky;top:4.5rem;width:22rem;max-height:calc(100vh - 4.5rem);overflow:auto;border-left:1px solid #ddd;background:#fff;padding:.6rem .8rem;font-size:.9rem}
aside#detail h2{font-size:.95rem;margin:.1rem 0 .5rem}
aside#detail .edit{border-left:4px solid var(--c);padding:.2rem .5rem;margin:.4rem 0;background:color-mix(in srgb,var(--c) 6%,white)}
aside#detail pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:.3rem;margin:.2rem 0;font-size:.8rem;max-height:16rem;overflow:auto}
aside#detail .ba{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;white-space:pre-wrap;word-break:break-word}
.muted{color:#666}
#doc{font:.95rem/1.55 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:pre-wrap;word-wrap:break-word;background:#fff;border:1px solid #e2e2e2;padding:.5rem .6rem}
.chunk{content-visibility:auto;contain-intrinsic-size:auto 40rem;padding-left:4.6rem}
#doc i[data-n]{font-style:normal}
#doc i[data-n]::before{content:attr(data-n);display:inline-block;width:4rem;margin-left:-4.4rem;margin-right:.4rem;text-align:right;color:#9a9a9a;font-size:.8em;user-select:none}
details.gap{margin:.2rem 0;border-top:1px dashed #ccc;border-bottom:1px dashed #ccc}
details.gap>summary{font-family:system-ui,sans-serif;font-size:.8rem;color:#777;cursor:pointer;padding:.1rem 0 .1rem .6rem}
.c del{text-decoration:line-through;text-decoration-color:var(--c);background:color-mix(in srgb,var(--c) 16%,white);color:#333}
.c ins{text-decoration:none;background:color-mix(in srgb,var(--c) 30%,white);border-bottom:2px solid var(--c)}
.c{cursor:pointer;border-radius:2px}
.c.sel{outline:2px solid var(--c);outline-offset:1px}
.nlg{color:var(--c);opacity:.8}
.nlb{display:none}
.c.off{cursor:auto}
.c.off ins{display:none}
.c.off del{text-decoration:none;background:none;color:inherit}
.c.off .nlg{display:none}
body.view-raw .c ins{display:none}
body.view-raw .c del{text-decoration:none;color:inherit}
body.view-raw .c del .nlg{display:none}
body.view-clean .c del,body.view-clean i.dl{display:none}
body.view-clean .c ins{border-bottom:none}
body.view-clean .c.off ins{display:inline;background:none}
body.view-clean .c ins .nlg{display:none}
body.view-clean .c ins .nlb{display:inline}
body.view-raw .c.off del, body.view-clean .c.off ins{background:none}
mark.fl{background:none;border-bottom:2px dotted #d4a000;cursor:pointer;color:inherit}
mark.fl.sel{background:#fff3c4}
#tip{position:fixed;z-index:10;max-width:28rem;background:#222;color:#fff;font-size:.8rem;padding:.3rem .5rem;border-radius:.3rem;pointer-events:none;white-space:pre-wrap}
table{border-collapse:collapse;font-size:.9rem;background:#fff}
th,td{border:1px solid #e0e0e0;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th.st{border-bottom:3px solid var(--c)}
td.txt{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word;max-width:28rem;min-width:7rem}
.c del+ins,.c ins+del{margin-left:2px}
code.tsv{font-size:.78rem;white-space:pre;color:#555}
.legend td:first-child{white-space:nowrap}
.problem{background:#fff4d6;border:1px solid #e5c36b;padding:.4rem .6rem;margin:.4rem 0}
section{margin:1rem 0}
h2{font-size:1.05rem}
@media (max-width:1000px){aside#detail{display:none}}
"""

DOC_JS = r"""
(function(){
const data = JSON.parse(document.getElementById('changes').textContent);
const flags = JSON.parse(document.getElementById('flagdata').textContent);
const S = data.stages, R = data.reasons, V = data.evidence, C = data.changes;
const els = Array.from(document.querySelectorAll('#doc .c'));
const detail = document.getElementById('detail');
const tip = document.getElementById('tip');
const pos = document.getElementById('pos');
let on = new Set(S), visible = els.slice(), cur = -1, selEl = null;

function stagesOf(i){ return C[i].e.map(e => S[e[0]]); }
function applyFilter(){
  on = new Set(Array.from(document.querySelectorAll('#filters input[data-stage]')).filter(x => x.checked).map(x => x.dataset.stage));
  visible = [];
  els.forEach((el, i) => {
    const show = stagesOf(i).some(s => on.has(s));
    el.classList.toggle('off', !show);
    if (show) visible.push(el);
  });
  cur = selEl ? visible.indexOf(selEl) : -1;
  updatePos();
}
function updatePos(){ pos.textContent = (cur >= 0 ? (cur + 1) : '\u2013') + ' / ' + visible.length; }
function el(tag, cls, text){ const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
function showChange(i){
  const c = C[i];
  detail.replaceChildren();
  detail.appendChild(el('h2', '', 'Change ' + (i + 1) + ' \u00b7 raw line ' + c.l));
  c.e.forEach(e => {
    const [si, ri, conf, before, after, line, col, vi] = e;
    const box = el('div', 'edit s-' + S[si]);
    const h = el('div'); h.appendChild(el('b', '', S[si])); h.appendChild(document.createTextNode(': ' + R[ri]));
    box.appendChild(h);
    box.appendChild(el('div', 'muted', 'confidence ' + conf + ' \u00b7 raw ' + line + ':' + col));
    box.appendChild(el('div', 'ba', JSON.stringify(before) + ' \u2192 ' + JSON.stringify(after)));
    const ev = V[vi];
    if (ev && typeof ev === 'object' && Object.keys(ev).length) { box.appendChild(el('div', 'muted', 'evidence')); box.appendChild(el('pre', '', Object.entries(ev).map(([k, v]) => k + ': ' + (typeof v === 'string' ? v : Array.isArray(v) ? '\n' + v.map(x => '  ' + JSON.stringify(x)).join('\n') : JSON.stringify(v))).join('\n'))); }
    detail.appendChild(box);
  });
}
function showFlag(n){
  const f = flags[n];
  detail.replaceChildren();
  detail.appendChild(el('h2', '', 'Flag ' + (n + 1) + ' \u00b7 raw line ' + f.line + ':' + f.col));
  const box = el('div', 'edit s-' + f.stage);
  const h = el('div'); h.appendChild(el('b', '', f.stage)); h.appendChild(document.createTextNode(': ' + f.reason)); box.appendChild(h);
  box.appendChild(el('div', 'ba', JSON.stringify(f.text)));
  if (f.candidates.length) box.appendChild(el('div', '', 'candidates: ' + f.candidates.join(', ')));
  if (f.decision) box.appendChild(el('div', 'muted', 'decided: ' + f.decision));
  box.appendChild(el('div', 'muted', 'decisions.tsv line:'));
  box.appendChild(el('pre', '', f.tsv));
  detail.appendChild(box);
}
function select(target, scroll){
  if (selEl) selEl.classList.remove('sel');
  selEl = target; target.classList.add('sel');
  if (target.classList.contains('fl')) showFlag(+target.id.slice(1)); else showChange(+target.id.slice(1));
  cur = visible.indexOf(target); updatePos();
  if (scroll) { const d = target.closest('details'); if (d) d.open = true; target.scrollIntoView({block: 'center'}); }
  history.replaceState(null, '', '#' + target.id);
}
function step(dir){
  if (!visible.length) return;
  let i = cur;
  if (i < 0) {
    // from the top of what is on screen
    const y = 80; i = dir > 0 ? visible.findIndex(e => e.getBoundingClientRect().top > y) - 1 : visible.findIndex(e => e.getBoundingClientRect().top > y);
    if (i < -1) i = -1;
  }
  i = Math.min(visible.length - 1, Math.max(0, i + dir));
  select(visible[i], true);
}
document.getElementById('filters').addEventListener('change', applyFilter);
document.getElementById('all').onclick = () => { document.querySelectorAll('#filters input[data-stage]').forEach(x => x.checked = true); applyFilter(); };
document.getElementById('none').onclick = () => { document.querySelectorAll('#filters input[data-stage]').forEach(x => x.checked = false); applyFilter(); };
document.getElementById('next').onclick = () => step(1);
document.getElementById('prev').onclick = () => step(-1);
document.getElementById('expand').onclick = (ev) => {
  const gaps = document.querySelectorAll('details.gap'); const open = ev.target.dataset.open !== '1';
  gaps.forEach(d => d.open = open); ev.target.dataset.open = open ? '1' : '0'; ev.target.textContent = open ? 'collapse unchanged' : 'expand unchanged';
};
document.querySelectorAll('.views input').forEach(x => x.addEventListener('change', () => {
  document.body.classList.remove('view-diff', 'view-raw', 'view-clean'); document.body.classList.add('view-' + x.value);
}));
document.getElementById('doc').addEventListener('click', ev => {
  const t = ev.target.closest('.c, mark.fl'); if (!t || t.classList.contains('off')) return; select(t, false);
});
document.addEventListener('click', ev => {
  const a = ev.target.closest('a[data-flag]'); if (!a) return; ev.preventDefault();
  const m = document.getElementById('f' + a.dataset.flag); if (m) select(m, true); else showFlag(+a.dataset.flag);
});
document.addEventListener('keydown', ev => {
  if ((ev.target.tagName === 'INPUT' && !['checkbox', 'radio'].includes(ev.target.type)) || ev.target.tagName === 'TEXTAREA' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === 'n' || ev.key === 'j') { step(1); ev.preventDefault(); }
  else if (ev.key === 'p' || ev.key === 'k') { step(-1); ev.preventDefault(); }
});
document.getElementById('doc').addEventListener('mouseover', ev => {
  const t = ev.target.closest('.c, mark.fl');
  if (!t || t.classList.contains('off')) { tip.hidden = true; return; }
  if (t.classList.contains('fl')) { const f = flags[+t.id.slice(1)]; tip.textContent = 'flag \u00b7 ' + f.stage + ': ' + f.reason + (f.candidates.length ? '\ncandidates: ' + f.candidates.join(', ') : ''); }
  else { tip.textContent = C[+t.id.slice(1)].e.map(e => S[e[0]] + ': ' + R[e[1]]).join('\n'); }
  tip.hidden = false;
});
document.getElementById('doc').addEventListener('mousemove', ev => { tip.style.left = Math.min(ev.clientX + 14, innerWidth - 300) + 'px'; tip.style.top = (ev.clientY + 16) + 'px'; });
document.getElementById('doc').addEventListener('mouseleave', () => { tip.hidden = true; });
function fitAside(){ const h = document.getElementById('bar').offsetHeight; detail.style.top = h + 'px'; detail.style.maxHeight = 'calc(100vh - ' + h + 'px)'; }
fitAside(); addEventListener('resize', fitAside);
applyFilter();
function fromHash(){
  const m = /^#([cf])(\d+)$/.exec(location.hash); if (!m) return;
  const t = document.getElementById(m[1] + m[2]);
  if (t) select(t, true); else if (m[1] === 'f' && flags[+m[2]]) showFlag(+m[2]);
}
fromHash(); addEventListener('hashchange', fromHash);
window.scancleanReport = {visibleCount: () => visible.length, changeCount: () => els.length};
})();
"""
