/** Messages of the charts views; every key needs an English and a Chinese text. */
export const en = {
  'charts.linked.title': 'Explore customers',
  'charts.linked.hint':
    'Click a segment, a cell or a bar (or drag across the histogram) to select those customers; the other charts then show the selection against all customers.',
  'charts.linked.selection': 'Selected: {label} ({customers} customers)',
  'charts.linked.selectionCount': 'Selected: {customers} customers',
  'charts.linked.clear': 'Clear selection',

  'charts.treemap.title': 'Segments by {measure}',
  'charts.treemap.description':
    'Each tile is a segment, its area the segment’s {measure}. With a selection, the hatched band at the bottom of each tile is the selected part of it.',
  'charts.treemap.sizeBy': 'Size by',
  'charts.treemap.customers': 'customers',
  'charts.treemap.revenue': 'revenue',
  'charts.treemap.share': '{share}',
  'charts.treemap.shareSelected': '{share} · {selected} selected',
  'charts.treemap.tile':
    '{segment}: {customers} customers, revenue {revenue} ({share} of {measure})',
  'charts.treemap.tileSelected':
    '{segment}: {customers} customers, revenue {revenue} ({share} of {measure}); selected {selectedCustomers} customers ({selected} of the tile)',

  'charts.histogram.title': 'Distribution of {measure}',
  'charts.histogram.description':
    'Number of customers per range of {measure}; light bars are all customers, narrow dark bars the selected ones.',
  'charts.histogram.measure': 'Value',
  'charts.histogram.total': 'total value',
  'charts.histogram.historical': 'historical value',
  'charts.histogram.monetary': 'revenue (monetary)',
  'charts.histogram.log': 'Log scale',
  'charts.histogram.x': '{measure}',
  'charts.histogram.y': 'Customers',
  'charts.histogram.all': 'All customers',
  'charts.histogram.selected': 'Selected',
  'charts.histogram.bar': '{measure} {lo}–{hi}: {customers} customers',
  'charts.histogram.barSelected': '{measure} {lo}–{hi}: {customers} customers, {selected} selected',
  'charts.histogram.excluded':
    '{customers} customers with a value of zero or less are not shown on the log scale.',

  'charts.heatmap.title': 'Recency × frequency: mean revenue per customer',
  'charts.heatmap.description':
    'Rows are R scores (5 = most recent) and columns F scores (5 = most frequent); each cell prints its number of customers (selected / all with a selection) and is shaded by their mean revenue.',
  'charts.heatmap.x': 'F score (frequency)',
  'charts.heatmap.y': 'R score (recency)',
  'charts.heatmap.legend': 'Mean revenue per customer',
  'charts.heatmap.cell': 'R {r} × F {f}: {customers} customers, mean revenue {mean}',
  'charts.heatmap.cellSelected':
    'R {r} × F {f}: {customers} customers, mean revenue {mean}; selected {selected}, their mean revenue {selectedMean}',

  'charts.select.segment': 'Segment: {segment}',
  'charts.select.cell': 'R {r} × F {f}',
  'charts.select.range': '{measure} {lo}–{hi}',

  'charts.export.svg': 'SVG',
  'charts.export.png': 'PNG',
  'charts.export.csv': 'CSV',
  'charts.export.xlsx': 'Excel',
  'charts.export.group': 'Download {name}',
  'charts.export.svgLabel': 'Download “{name}” as an SVG image',
  'charts.export.pngLabel': 'Download “{name}” as a PNG image',
  'charts.export.csvLabel': 'Download the data of “{name}” as CSV',
  'charts.export.xlsxLabel': 'Download the data of “{name}” as an Excel workbook',
  'charts.export.failed': 'The download failed: {message}',

  'charts.table.customers': 'Customers (this page)',
  'charts.col.r': 'R score',
  'charts.col.fm': 'FM score',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'charts.linked.title': '客户探索',
  'charts.linked.hint':
    '点击某个分群、单元格或柱子（或在分布图上拖选一段区间）即可选中这些客户；其他图表会同时显示选中客户与全部客户的对比。',
  'charts.linked.selection': '已选：{label}（{customers} 位客户）',
  'charts.linked.selectionCount': '已选：{customers} 位客户',
  'charts.linked.clear': '清除选择',

  'charts.treemap.title': '各分群{measure}',
  'charts.treemap.description':
    '每个方块代表一个分群，面积为该分群的{measure}。有选择时，方块底部的斜纹区域表示其中被选中的部分。',
  'charts.treemap.sizeBy': '面积表示',
  'charts.treemap.customers': '客户数',
  'charts.treemap.revenue': '销售额',
  'charts.treemap.share': '{share}',
  'charts.treemap.shareSelected': '{share} · 选中 {selected}',
  'charts.treemap.tile': '{segment}：{customers} 位客户，销售额 {revenue}（占{measure} {share}）',
  'charts.treemap.tileSelected':
    '{segment}：{customers} 位客户，销售额 {revenue}（占{measure} {share}）；选中 {selectedCustomers} 位客户（占该分群 {selected}）',

  'charts.histogram.title': '{measure}分布',
  'charts.histogram.description':
    '各{measure}区间的客户数；浅色柱为全部客户，窄的深色柱为选中客户。',
  'charts.histogram.measure': '指标',
  'charts.histogram.total': '总价值',
  'charts.histogram.historical': '历史价值',
  'charts.histogram.monetary': '消费金额',
  'charts.histogram.log': '对数刻度',
  'charts.histogram.x': '{measure}',
  'charts.histogram.y': '客户数',
  'charts.histogram.all': '全部客户',
  'charts.histogram.selected': '选中客户',
  'charts.histogram.bar': '{measure} {lo}–{hi}：{customers} 位客户',
  'charts.histogram.barSelected': '{measure} {lo}–{hi}：{customers} 位客户，其中选中 {selected} 位',
  'charts.histogram.excluded': '对数刻度下不显示价值为零或负数的 {customers} 位客户。',

  'charts.heatmap.title': '最近购买 × 购买频次：客均消费金额',
  'charts.heatmap.description':
    '行为 R 分（5 = 最近购买），列为 F 分（5 = 购买最频繁）；每个单元格标出客户数（有选择时为“选中 / 全部”），颜色深浅表示客均消费金额。',
  'charts.heatmap.x': 'F 分（购买频次）',
  'charts.heatmap.y': 'R 分（最近购买）',
  'charts.heatmap.legend': '客均消费金额',
  'charts.heatmap.cell': 'R {r} × F {f}：{customers} 位客户，客均消费 {mean}',
  'charts.heatmap.cellSelected':
    'R {r} × F {f}：{customers} 位客户，客均消费 {mean}；选中 {selected} 位，其客均消费 {selectedMean}',

  'charts.select.segment': '分群：{segment}',
  'charts.select.cell': 'R {r} × F {f}',
  'charts.select.range': '{measure} {lo}–{hi}',

  'charts.export.svg': 'SVG',
  'charts.export.png': 'PNG',
  'charts.export.csv': 'CSV',
  'charts.export.xlsx': 'Excel',
  'charts.export.group': '下载{name}',
  'charts.export.svgLabel': '将“{name}”下载为 SVG 图片',
  'charts.export.pngLabel': '将“{name}”下载为 PNG 图片',
  'charts.export.csvLabel': '将“{name}”的数据下载为 CSV',
  'charts.export.xlsxLabel': '将“{name}”的数据下载为 Excel 工作簿',
  'charts.export.failed': '下载失败：{message}',

  'charts.table.customers': '客户（本页）',
  'charts.col.r': 'R 分',
  'charts.col.fm': 'FM 分',
} as const;
