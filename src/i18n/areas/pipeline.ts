/** Messages of "Export pipeline": the .sql file that recreates the analysis in native DuckDB. */
export const en = {
  'pipeline.export': 'Export pipeline (.sql)',
  'pipeline.hint':
    'One SQL file that recreates this analysis (reading, cleaning, RFM, segments, value tiers, lifecycle stages) in the DuckDB command-line tool, for data too big for a browser tab. Edit the file path at its top.',
  'pipeline.waiting': 'Waiting for the value and lifecycle steps to finish…',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'pipeline.export': '导出分析流程（.sql）',
  'pipeline.hint':
    '一个 SQL 文件，在 DuckDB 命令行工具中重现本次分析（读取、清洗、RFM、客户分群、价值分层、生命周期阶段），适合浏览器装不下的大数据。使用前请修改文件开头的数据文件路径。',
  'pipeline.waiting': '正在等待客户价值和生命周期计算完成……',
};
