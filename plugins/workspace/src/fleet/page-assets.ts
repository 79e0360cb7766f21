/** Inline CSS and script of the fleet page (no framework: the page must open offline from an artifact). */
export const FLEET_CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
body{margin:0 auto;padding:20px 28px;max-width:1280px}
h1{margin:0 0 4px;font-size:24px}
.muted{color:#6b7280}
.kpis{display:flex;gap:16px;margin:16px 0;flex-wrap:wrap}
.kpi{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:12px 16px;min-width:220px;flex:1}
.kpi b{display:block;font-size:26px}
.kpi span{color:#4b5563;font-size:13px}
.bar{height:6px;background:#e5e7eb;border-radius:3px;margin-top:8px}.bar i{display:block;height:100%;background:#2e7d32;border-radius:3px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:12px 16px}
figcaption{font-weight:600;margin-bottom:8px}
svg text{font-size:12px;fill:#374151}svg .value{font-weight:600}svg .legend{font-size:11px}svg .note{font-size:12px;fill:#4b5563}
svg rect[data-rule]{cursor:pointer}
.filters{display:flex;gap:8px;align-items:center;margin:20px 0 8px;flex-wrap:wrap}
input,select{font:inherit;padding:6px 8px;border:1px solid #cfd4da;border-radius:6px;background:#fff}
input{min-width:260px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e3e6ea;font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{background:#f0f2f5;position:sticky;top:0}th[data-sort]{cursor:pointer}
tr[hidden]{display:none}
.pill{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;background:#607d8b}
.pill.na{color:#4b5563}.nowrap{white-space:nowrap}
.pill.ok{background:#2e7d32}.pill.bad{background:#c62828}
code{background:#fdecea;color:#8e1b1b;border-radius:4px;padding:0 4px;font-size:12px}
.cat-passed{color:#2e7d32}.cat-failed{color:#c62828;font-weight:600}.cat-not-run{color:#9e9e9e}
.warn{color:#ef8f00;cursor:help}
`;

export const FLEET_JS = `
(function(){
  var q=document.getElementById('q'),layout=document.getElementById('layout'),verdict=document.getElementById('verdict'),cat=document.getElementById('cat');
  var body=document.querySelector('#fleet tbody'),rows=Array.prototype.slice.call(body.rows);
  function apply(){
    var text=q.value.trim().toLowerCase(),shown=0;
    rows.forEach(function(r){
      var ok=(!text||r.dataset.search.indexOf(text)>=0)&&(!layout.value||r.dataset.layout===layout.value)&&(!verdict.value||r.dataset.verdict===verdict.value)&&(!cat.value||r.dataset.cat===cat.value);
      r.hidden=!ok;if(ok)shown++;
    });
    document.getElementById('count').textContent=shown+' of '+rows.length;
    document.getElementById('empty').hidden=shown>0;
  }
  [q,layout,verdict,cat].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  document.querySelectorAll('svg rect[data-rule]').forEach(function(r){r.addEventListener('click',function(){q.value=r.dataset.rule;apply();});});
  var dir={};
  document.querySelectorAll('th[data-sort]').forEach(function(th){th.addEventListener('click',function(){
    var k=th.dataset.sort;dir[k]=-(dir[k]||-1);
    rows.sort(function(a,b){return dir[k]*String(a.dataset[k]).localeCompare(String(b.dataset[k]),undefined,{numeric:true});});
    rows.forEach(function(r){body.appendChild(r);});
  });});
  var params=new URLSearchParams(location.search);if(params.get('q')){q.value=params.get('q');}
  if(params.get('layout'))layout.value=params.get('layout');
  apply();
})();
`;
