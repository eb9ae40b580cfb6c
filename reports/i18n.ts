/**
 * @module reports/i18n — the fixed strings of the human-facing reports (HTML and Markdown) in English and
 * Japanese (`--lang en|ja`, trial field `lang`).
 *
 * Only the writers' own words are translated: labels, headings, the verdict markers and the plain-language
 * explanation of each attack. Text that comes from the report object (the summary line, check messages, metric
 * explanations, warnings, method notes, references) is shown as the attacks and the policy wrote it, in English.
 */

/** A report language. */
export type Lang = 'en' | 'ja';

/** Every report language, the default first. */
export const LANGS: readonly Lang[] = ['en', 'ja'];

/** A verdict, an attack status or a check result as the reports mark it. */
export type MarkerKind = 'pass' | 'fail' | 'error' | 'none' | 'skipped';

/** The message catalogue of one language. */
export interface Messages {
  /** BCP 47 tag for `<html lang>`. */
  htmlLang: string;
  reportTitle: string;
  markers: Record<MarkerKind, string>;
  /** Banner line shown when the report holds record values. */
  containsValues: string;
  /** Same, as one Markdown line. */
  containsValuesMd: string;
  failedChecks: string;
  whatToChange: string;
  policyChecks: string;
  noChecks: string;
  trial: string;
  policy: string;
  recordThreshold: string;
  qis: string;
  sensitive: string;
  attacks: string;
  missingValues: string;
  seedWorkers: string;
  policySources: string;
  check: string;
  metric: string;
  value: string;
  ci95: string;
  n: string;
  threshold: string;
  result: string;
  meaning: string;
  why: string;
  statusLine: (status: string, verdict: string, seconds: string) => string;
  note: string;
  reason: string;
  warning: string;
  warnings: string;
  method: string;
  references: string;
  charts: string;
  /** Markdown: the curves are drawn in report.html. */
  curvesMd: string;
  table: string;
  details: string;
  detailsTruncated: string;
  inputs: string;
  role: string;
  file: string;
  format: string;
  rows: string;
  columns: string;
  examples: string;
  examplesNote: string;
  classes: string;
  records: string;
  histogramSubtitle: string;
  histogramCaption: (label: string) => string;
  histogramMd: (label: string) => string;
  chartFailed: (msg: string) => string;
  logAxisDropped: (n: number) => string;
  riskByQiTitle: string;
  riskByQiSubtitle: string;
  combosTitle: string;
  combosSubtitle: string;
  msus: string;
  sharesTitle: string;
  sharesSubtitle: string;
  share: string;
  sudaShareHint: (qi: string, pct: string) => string;
  sudaComboHint: (combo: string, n: string) => string;
  allQis: string;
  sampleUniques: string;
  /** "What to change" hint from the leave-one-QI-out table. */
  /** `first`: the QI whose removal lowers the uniques most (the hints come in that order). */
  leaveOneOutHint: (qi: string, from: string, to: string, pct: string, first: boolean) => string;
  leaveOneOutNone: string;
  reportSchema: string;
  /** Plain-language explanation per attack id; missing ids fall back to the report's own summary. */
  explain: Readonly<Record<string, string>>;
}

const en: Messages = {
  htmlLang: 'en',
  reportTitle: 'reidgate report',
  markers: { pass: 'PASS', fail: 'FAIL', error: 'ERROR', none: 'NONE', skipped: 'SKIPPED' },
  containsValues:
    'This report contains record values (made with --include-examples). Handle and share it as you would the data itself.',
  containsValuesMd:
    '**Contains record values.** This report was made with --include-examples; handle it as the data.',
  failedChecks: 'Failed checks',
  whatToChange: 'What to change',
  policyChecks: 'Policy checks',
  noChecks: 'No policy checks.',
  trial: 'Trial',
  policy: 'Policy',
  recordThreshold: 'Record risk threshold',
  qis: 'Quasi-identifiers',
  sensitive: 'Sensitive',
  attacks: 'Attacks',
  missingValues: 'Missing values',
  seedWorkers: 'Seed · workers',
  policySources: 'Policy sources',
  check: 'Check',
  metric: 'Metric',
  value: 'Value',
  ci95: '95% CI',
  n: 'n',
  threshold: 'Threshold',
  result: 'Result',
  meaning: 'Meaning',
  why: 'Why',
  statusLine: (s, v, t) => `Status ${s} · verdict ${v} · ${t}`,
  note: 'Note',
  reason: 'Reason',
  warning: 'Warning',
  warnings: 'Warnings',
  method: 'Method',
  references: 'References',
  charts: 'Charts',
  curvesMd: 'Curves (drawn in report.html)',
  table: 'Table',
  details: 'Details',
  detailsTruncated: '… (truncated; see report.json)',
  inputs: 'Inputs',
  role: 'Role',
  file: 'File',
  format: 'Format',
  rows: 'Rows',
  columns: 'Columns',
  examples: 'Examples (record values)',
  examplesNote:
    'Shown because --include-examples was given: released quasi-identifier values of the riskiest groups.',
  classes: 'classes',
  records: 'records',
  histogramSubtitle: 'bars: records · numbers above bars: classes',
  histogramCaption: (l) => `${l}: records per bin (bars), classes per bin (numbers).`,
  histogramMd: (l) => `${l} histogram:`,
  chartFailed: (m) => `The chart could not be drawn (${m}); see the table.`,
  logAxisDropped: (n) => `${n} point${n === 1 ? '' : 's'} at or below 0 cannot be drawn on the log axis.`,
  riskByQiTitle: 'Risk by quasi-identifier',
  riskByQiSubtitle: 'sample uniques with one QI left out (lower = that QI drives the risk)',
  combosTitle: 'Risk by quasi-identifier combination',
  combosSubtitle: 'combinations on which records are unique (minimal sample uniques, SUDA)',
  msus: 'minimal sample uniques',
  sharesTitle: 'Share of the SUDA score by quasi-identifier',
  sharesSubtitle: 'a QI in many small singling-out combinations has a large share',
  share: 'share of SUDA score',
  sudaShareHint: (qi, pct) =>
    `${qi} is in the singling-out combinations behind ${pct} of the SUDA score (SUDA): generalizing it lowers the special-unique risk most.`,
  sudaComboHint: (combo, n) =>
    `The combination ${combo} singles out the most records (${n} minimal sample uniques): generalize one of these QIs.`,
  allQis: 'all QIs',
  sampleUniques: 'sample uniques',
  leaveOneOutHint: (qi, from, to, pct, first) =>
    `Generalizing or dropping ${qi} ${first ? 'helps most' : 'also helps'}: leaving it out cuts sample uniques from ${from} to ${to} (${pct}).`,
  leaveOneOutNone: 'Leaving out any single quasi-identifier does not lower the sample uniques.',
  reportSchema: 'report schema',
  explain: {},
};

const ja: Messages = {
  htmlLang: 'ja',
  reportTitle: 'reidgate レポート',
  markers: { pass: '合格', fail: '不合格', error: 'エラー', none: '判定なし', skipped: 'スキップ' },
  containsValues:
    'このレポートにはレコードの値が含まれています（--include-examples で作成）。データそのものと同じように扱い、共有してください。',
  containsValuesMd:
    '**レコードの値を含みます。** このレポートは --include-examples で作成されました。データと同じように扱ってください。',
  failedChecks: '不合格のチェック',
  whatToChange: '改善のヒント',
  policyChecks: 'ポリシーのチェック',
  noChecks: 'ポリシーのチェックはありません。',
  trial: '試験',
  policy: 'ポリシー',
  recordThreshold: 'レコードリスクのしきい値',
  qis: '準識別子',
  sensitive: '機微属性',
  attacks: '攻撃',
  missingValues: '欠損値',
  seedWorkers: 'シード · ワーカー',
  policySources: 'ポリシーの出典',
  check: 'チェック',
  metric: '指標',
  value: '値',
  ci95: '95% 信頼区間',
  n: 'n',
  threshold: 'しきい値',
  result: '結果',
  meaning: '意味',
  why: '理由',
  statusLine: (s, v, t) => `状態 ${s} · 判定 ${v} · ${t}`,
  note: '注記',
  reason: '理由',
  warning: '警告',
  warnings: '警告',
  method: '手法',
  references: '参考文献',
  charts: 'グラフ',
  curvesMd: '曲線（report.html に描画）',
  table: '表',
  details: '詳細',
  detailsTruncated: '…（省略。report.json を参照）',
  inputs: '入力',
  role: '役割',
  file: 'ファイル',
  format: '形式',
  rows: '行数',
  columns: '列数',
  examples: '例（レコードの値）',
  examplesNote: '--include-examples の指定により表示：最もリスクの高いグループの公開準識別子の値。',
  classes: 'クラス数',
  records: 'レコード数',
  histogramSubtitle: '棒: レコード数 · 棒の上の数: クラス数',
  histogramCaption: (l) => `${l}: 区間ごとのレコード数（棒）とクラス数（数字）。`,
  histogramMd: (l) => `${l} のヒストグラム:`,
  chartFailed: (m) => `グラフを描けませんでした（${m}）。表を参照してください。`,
  logAxisDropped: (n) => `0 以下の ${n} 点は対数軸に描けません。`,
  riskByQiTitle: '準識別子ごとのリスク',
  riskByQiSubtitle: '準識別子を一つ除いたときの標本一意数（低いほどその準識別子がリスクの原因）',
  combosTitle: '準識別子の組み合わせごとのリスク',
  combosSubtitle: 'レコードが一意になる組み合わせ（最小標本一意、SUDA）',
  msus: '最小標本一意の数',
  sharesTitle: '準識別子ごとの SUDA スコアの割合',
  sharesSubtitle: '小さな特定用の組み合わせに多く現れる準識別子ほど割合が大きい',
  share: 'SUDA スコアの割合',
  sudaShareHint: (qi, pct) =>
    `${qi} は SUDA スコアの ${pct} を占める特定用の組み合わせに含まれます（SUDA）：一般化すると特殊一意のリスクが最も下がります。`,
  sudaComboHint: (combo, n) =>
    `組み合わせ ${combo} が最も多くのレコードを特定します（最小標本一意 ${n} 件）：このうちの準識別子を一般化してください。`,
  allQis: 'すべての準識別子',
  sampleUniques: '標本一意数',
  leaveOneOutHint: (qi, from, to, pct, first) =>
    `${qi} の一般化または削除${first ? 'が最も効果的です' : 'も効果があります'}：除くと標本一意数が ${from} から ${to} に減ります（${pct}）。`,
  leaveOneOutNone: 'どの準識別子を一つ除いても標本一意数は減りません。',
  reportSchema: 'レポートスキーマ',
  explain: {
    uniqueness:
      '公開された準識別子の値が同じレコードをまとめます。ある人がデータに含まれていると知り、その値も知る攻撃者は、グループが小さいほどその人を特定できます。',
    population:
      '母集団全体で公開準識別子について一意な人の数と、誰が公開データに含まれるかを知らない攻撃者がレコードを再識別できる確率を推定します。',
    suda: '各レコードについて、それだけで一意になる最小の準識別子の組を探します。小さな組で一意になるレコードほど再識別されやすくなります。',
    diversity:
      '準識別子が同じグループの中を調べます。グループ内の機微属性がすべて同じ、または全体と大きく異なる分布のとき、グループを知るだけで機微な値が分かります。',
    linkage:
      '攻撃者の持つ身元付きレコードを、完全一致・Fellegi–Sunter の確率的照合・最近傍距離で公開データに結び付け、正しく再識別された人数を数えます。',
    membership:
      '公開データが各人のレコードにどれだけ近いかによって、元データの構成員と構成員でない人（対照群）を見分け、低い誤検出率で何人の構成員が見つかるかを示します。',
    inference:
      '準識別子が最も近い公開レコードから各構成員の機微属性を推測し、データに含まれない人に比べてどれだけ多く当たるかを調べます。',
    'singling-out':
      '公開データから、公開レコード一件だけに当てはまる条件を作り、それが実在の構成員一人だけに当てはまる頻度を、データに含まれない人の場合と比べます。',
    'code-sets':
      'コード（病名・薬剤など）の集合を m 個知る攻撃者を想定し、m 個のコードの組で一意になるレコードの割合を数えます。',
  },
};

const CATALOGUE: Readonly<Record<Lang, Messages>> = { en, ja };

/**
 * The message catalogue of a language.
 * @param lang - 'en' or 'ja' (default 'en')
 * @returns its messages
 */
export function messages(lang: Lang = 'en'): Messages {
  return CATALOGUE[lang];
}

/**
 * Whether a string names a report language.
 * @param s - any string
 * @returns true for 'en' and 'ja'
 */
export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}
