/**
 * @module reports/html-css — the stylesheet of report.html (inlined; the page loads nothing). Sized for a laptop
 * screen (charts two abreast at 1100 px) and for print to PDF (colours kept, no page break inside a chart, a
 * table row or the banner; collapsible details hidden).
 */
export const CSS = `
:root{--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--amber:#9a6700;--amber-bg:#fff8c5;
--muted:#57606a;--line:#d0d7de;--head:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK JP","Hiragino Sans",sans-serif;
color:#1f2328;max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:20px;margin:0 0 12px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:14px 0 6px}
p{margin:6px 0}
.banner{border:2px solid;border-radius:8px;padding:12px 18px;margin:0 0 16px;display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 14px}
.banner .verdict{font-size:26px;font-weight:700;letter-spacing:.05em}
.banner .why{font-size:15px;flex:1 1 400px}
.banner .values{flex-basis:100%;margin:4px 0 0;font-weight:700;color:var(--bad)}
.banner.pass{background:var(--ok-bg);border-color:var(--ok)}.banner.pass .verdict{color:var(--ok)}
.banner.fail{background:var(--bad-bg);border-color:var(--bad)}.banner.fail .verdict{color:var(--bad)}
.banner.error{background:var(--amber-bg);border-color:var(--amber)}.banner.error .verdict{color:var(--amber)}
.glance{display:flex;flex-wrap:wrap;gap:0 32px;margin:0 0 8px}.glance>div{flex:1 1 420px}
.glance h3{margin-top:4px}
.hints li{margin:2px 0}
.alert{background:var(--amber-bg);border-left:4px solid var(--amber);padding:8px 12px;margin:8px 0}
ul.alert{padding-left:30px}
.alert.values{background:var(--bad-bg);border-left-color:var(--bad);font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600;white-space:nowrap}
td.name code{white-space:nowrap;overflow-wrap:normal}
tr.bad td:first-child{border-left:3px solid var(--bad)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
.pill{display:inline-block;padding:0 8px;border-radius:10px;border:1px solid;font-size:12px;font-weight:600;vertical-align:middle}
.pill.pass{color:var(--ok);background:var(--ok-bg)}.pill.fail{color:var(--bad);background:var(--bad-bg)}
.pill.error{color:var(--amber);background:var(--amber-bg)}.pill.none,.pill.skipped{color:var(--muted)}
.explain{font-size:15px;max-width:70em}
.muted{color:var(--muted)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
ul{margin:4px 0;padding-left:22px}
ul.refs{font-size:12px;color:var(--muted)}
.charts{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:flex-start}
figure{margin:4px 0;max-width:100%}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:var(--muted);max-width:460px}
details pre{background:var(--head);padding:8px;overflow:auto;font-size:12px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{
@page{margin:14mm}
body{max-width:none;padding:0;font-size:11px}
table{font-size:10px}code{font-size:10px}.explain,.banner .why{font-size:12px}
h1{font-size:16px}h2{font-size:14px}h3{font-size:12px}.banner .verdict{font-size:20px}
.banner,.pill,.alert,th,tr.bad td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2,h3{break-after:avoid}tr,figure,.banner,.alert,.glance{break-inside:avoid}
section.attack{break-before:auto}
details{display:none}
}
`.trim();
